package dev.wsquota.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentilesTest {

    @Test
    void nearestRankOnOneToHundred() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // unsorted on purpose
        }
        Percentiles p = Percentiles.of(values);
        assertEquals(50, p.at(50));
        assertEquals(95, p.at(95));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(100));
        assertEquals(1, p.min());
        assertEquals(100, p.max());
        assertEquals(50.5, p.mean(), 1e-9);
        assertEquals(100, values[0], "the caller's array is not sorted in place");
    }

    @Test
    void smallSamples() {
        assertEquals(7, Percentiles.of(new long[] {7}).at(99));
        Percentiles two = Percentiles.of(new long[] {10, 20});
        assertEquals(10, two.at(50));
        assertEquals(20, two.at(51));
        assertEquals(20, two.at(99));
        assertEquals(-1, Percentiles.of(new long[0]).at(50));
    }

    @Test
    void tailNeedsEnoughSamples() {
        long[] values = new long[1000];
        values[999] = 1_000_000; // one outlier in a thousand
        assertEquals(0, Percentiles.of(values).at(99));
        assertEquals(1_000_000, Percentiles.of(values).at(99.95));
    }

    @Test
    void refusesOutOfRange() {
        Percentiles p = Percentiles.of(new long[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> p.at(0));
        assertThrows(IllegalArgumentException.class, () -> p.at(100.5));
    }
}
