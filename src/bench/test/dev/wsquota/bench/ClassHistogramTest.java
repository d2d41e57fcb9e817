package dev.wsquota.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassHistogramTest {

    private static final String BEFORE = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          64000  [B (java.base@17.0.15)
               2:           100           2400  java.lang.String (java.base@17.0.15)
               3:            10            560  com.example.Same
               4:             5            280  com.example.Same
            Total          1115          67240
            """;

    private static final String HELD = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1100          70400  [B (java.base@17.0.15)
               2:           200           4800  java.lang.String (java.base@17.0.15)
               3:           115           6440  com.example.Same
               4:           100           8800  dev.wsquota.quota.Manager
            Total          1515          90440
            """;

    @Test
    void parsesEveryDataLineAndAddsUpAClassSeenUnderTwoLoaders() {
        ClassHistogram h = ClassHistogram.parse(BEFORE);
        assertEquals(64000, h.bytes("[B"));
        assertEquals(15, h.instances("com.example.Same"));
        assertEquals(840, h.bytes("com.example.Same"));
        assertEquals(67240, h.totalBytes(), "the Total line is not counted as a class");
    }

    @Test
    void theDeltaIsHeldMinusBeforeAndDifferingSortsByTheLargestDifferencePerConnection() {
        ClassHistogram added = ClassHistogram.delta(ClassHistogram.parse(BEFORE), ClassHistogram.parse(HELD));
        assertEquals(8800, added.bytes("dev.wsquota.quota.Manager"));
        assertEquals(100, added.instances("com.example.Same"));
        ClassHistogram none = ClassHistogram.parse("");
        // per 100 connections: Manager 88 B, Same 56 B, [B 64 B, String 24 B; threshold 30 B
        assertEquals(List.of("dev.wsquota.quota.Manager", "[B", "com.example.Same"),
                ClassHistogram.differing(added, 100, none, 100, 30, 10));
    }
}
