package dev.wsquota.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a renewal round may wait: never past the end of the lease, so a hanging round cannot delay a fence. */
class LeasesTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ClusterSettings settings = new ClusterSettings(true, "t", 5701, List.of("127.0.0.1:5701"), 15, 2);
    private final Leases leases = new Leases(null, () -> "m", () -> 3, settings, ClusterEvents.NONE, clock::get,
            Map::of, () -> 0);

    @Test
    void aRoundEarlyInTheLeaseWaitsAThirdOfIt() {
        assertEquals(5_000, leases.roundWaitMillis(clock.get() + 1_000));
        assertEquals(5_000, leases.roundWaitMillis(clock.get() + 10_000));
    }

    @Test
    void aRoundNearTheEndOfTheLeaseWaitsOnlyUntilItEnds() {
        assertEquals(1_000, leases.roundWaitMillis(clock.get() + 14_000));
        assertEquals(Leases.MIN_ROUND_WAIT_MILLIS, leases.roundWaitMillis(clock.get() + 14_950),
                "a last chance, however short the rest");
        assertEquals(Leases.MIN_ROUND_WAIT_MILLIS, leases.roundWaitMillis(clock.get() + 20_000));
    }
}
