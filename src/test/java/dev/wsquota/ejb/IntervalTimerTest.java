package dev.wsquota.ejb;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IntervalTimerTest {

    private static final long NOW = 1_000_000L;

    @Test
    void aFirstTimerRunsAfterOnePeriod() {
        assertEquals(30_000, IntervalTimer.firstDelayMillis(NOW, null, 30_000));
    }

    @Test
    void aNewPeriodKeepsTheRunTheOldTimerHadPlannedWhenThatComesSooner() {
        assertEquals(4_000, IntervalTimer.firstDelayMillis(NOW, NOW + 4_000, 30_000), "longer period: old run kept");
        assertEquals(4_000, IntervalTimer.firstDelayMillis(NOW, NOW + 4_000, 5_000), "slightly longer period");
    }

    @Test
    void aShorterPeriodRunsSoonerThanTheOldPlan() {
        assertEquals(2_000, IntervalTimer.firstDelayMillis(NOW, NOW + 25_000, 2_000));
    }

    @Test
    void anOverdueRunGoesAtOnce() {
        assertEquals(0, IntervalTimer.firstDelayMillis(NOW, NOW - 500, 30_000));
    }

    @Test
    void aStormOfRewritesNeverPushesTheRunPastTheFirstPlan() {
        long planned = NOW + 2_000;
        for (long t = NOW; t < NOW + 2_000; t += 10) {
            long next = t + IntervalTimer.firstDelayMillis(t, planned, 2_000);
            assertEquals(NOW + 2_000, next, "rewrite at +" + (t - NOW) + " ms");
            planned = next;
        }
    }
}
