package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LimitHitCoalescerTest {

    private final AtomicLong now = new AtomicLong(10_000);
    private final LimitHitCoalescer coalescer = new LimitHitCoalescer(1_000, now::get);

    @Test
    void oneHitPerUserPerSecondGoesThroughWithTheCountOfTheSuppressed() {
        assertEquals(0, coalescer.hit("alice"));
        for (int i = 0; i < 9; i++) {
            now.addAndGet(100);
            assertEquals(-1, coalescer.hit("alice"));
        }
        assertEquals(0, coalescer.hit("bob"), "another user has a window of their own");
        now.addAndGet(100);
        assertEquals(9, coalescer.hit("alice"), "a second later: through, with the 9 suppressed");
        now.addAndGet(1_000);
        assertEquals(0, coalescer.hit("alice"));
    }
}
