package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeLimiterTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final HandshakeLimiter limiter = new HandshakeLimiter(2, 5, nanos::get);

    @Test
    void aUserWhoseAttemptsAreAdmittedIsNeverThrottled() {
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, limiter.retryAfterMillis("alice"), "attempt " + i + ": looking spends nothing");
        }
        assertEquals(0, limiter.buckets.size(), "a user never refused has no bucket");
    }

    @Test
    void theRefusedBurstPassesThenTheNextWaitsForOneToken() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.retryAfterMillis("alice"), "refused attempt " + i + " within the burst");
            limiter.charge("alice");
        }
        assertEquals(500, limiter.retryAfterMillis("alice"), "at 2/s the next token comes in 500 ms");
        nanos.addAndGet(499_000_000L);
        assertEquals(1, limiter.retryAfterMillis("alice"));
        nanos.addAndGet(1_000_000L);
        assertEquals(0, limiter.retryAfterMillis("alice"));
    }

    @Test
    void refusalsInFlightAtOnceCostOneWaitNotADebt() {
        for (int i = 0; i < 1_000; i++) {
            limiter.charge("alice"); // attempts that all looked before any was refused
        }
        nanos.addAndGet(500_000_000L);
        assertEquals(0, limiter.retryAfterMillis("alice"), "one token back after 500 ms, however many were refused");
    }

    @Test
    void oneUsersRefusalsLeaveAnotherUntouched() {
        for (int i = 0; i < 2_000; i++) {
            limiter.charge("alice");
        }
        assertTrue(limiter.retryAfterMillis("alice") > 0);
        assertEquals(0, limiter.retryAfterMillis("bob"));
    }

    @Test
    void theBucketRefillsOnlyUpToTheBurst() {
        limiter.charge("alice");
        nanos.addAndGet(3_600_000_000_000L);
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.retryAfterMillis("alice") == 0) {
                allowed++;
                limiter.charge("alice");
            }
        }
        assertEquals(5, allowed);
    }

    @Test
    void settingsAreOnByDefaultAndBadValuesAreRefusedWithTheKey() {
        HandshakeSettings defaults = HandshakeSettings.load(key -> Optional.empty());
        assertEquals(new HandshakeSettings(HandshakeSettings.DEFAULT_PER_SECOND, HandshakeSettings.DEFAULT_BURST),
                defaults);
        assertTrue(defaults.newLimiter(nanos::get).isPresent(), "on by default");
        assertTrue(new HandshakeSettings(0, 1).newLimiter(nanos::get).isEmpty(), "0/s turns it off");
        Map<String, String> bad = Map.of(HandshakeSettings.PER_SECOND, "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HandshakeSettings.load(key -> Optional.ofNullable(bad.get(key))));
        assertTrue(e.getMessage().contains(HandshakeSettings.PER_SECOND) && e.getMessage().contains("-1"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeSettings.load(key ->
                        Optional.ofNullable(Map.of(HandshakeSettings.BURST, "many").get(key))));
    }
}
