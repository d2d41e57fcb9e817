package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeRoundTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(10, 100), now::get);
    private final ServerCloses closes = registry.closes();

    private Manager admit(FakeConnection connection) {
        return registry.admit("alice", connection).manager();
    }

    @Test
    void aManagerThatAnswersIsKeptAndOneThatDoesNotIsClosedWith4002() {
        FakeConnection answering = new FakeConnection();
        Manager alive = admit(answering);
        answering.onPing = () -> alive.touch(now.get());
        FakeConnection silent = new FakeConnection();
        Manager dead = admit(silent);

        ProbeRound round = ProbeRound.ping(List.of(alive, dead), now::get, Long.MAX_VALUE);
        assertEquals(1, answering.pings.get());
        assertEquals(1, silent.pings.get());
        assertFalse(round.settled(registry), "the silent one has neither answered nor left");

        assertEquals(0, round.reclaimUnanswered(closes, 200, now.get() + 199), "not before the timeout has passed");
        assertEquals(1, round.reclaimUnanswered(closes, 200, now.get() + 200));
        assertTrue(registry.isLive(alive));
        assertFalse(registry.isLive(dead));
        assertEquals(CloseCodes.PONG_TIMEOUT, silent.closeCode);
        assertEquals("no pong to the probe within 200 ms", silent.closeReason);
        assertEquals(0, answering.closeCode);
        assertTrue(round.settled(registry), "the one left has answered");
    }

    @Test
    void aManagerThatLeftDuringTheRoundCountsAsSettledAndIsNotReclaimedTwice() {
        FakeConnection connection = new FakeConnection();
        Manager leaving = admit(connection);
        ProbeRound round = ProbeRound.ping(List.of(leaving), now::get, Long.MAX_VALUE);
        registry.release(leaving, ReleaseCause.CLOSE);
        assertTrue(round.settled(registry));
        assertEquals(0, round.reclaimUnanswered(closes, 200, now.get() + 200));
        assertEquals(0L, registry.counters().releasesByCause().get(ReleaseCause.PONG_TIMEOUT));
    }

    @Test
    void aManagerThatCouldNotBePingedNowIsNotJudgedButOneWhosePingFailedIs() {
        FakeConnection busy = new FakeConnection();
        busy.busy = true;
        Manager putOff = admit(busy);
        FakeConnection broken = new FakeConnection();
        broken.failOnPing = true;
        Manager failed = admit(broken);

        ProbeRound round = ProbeRound.ping(List.of(putOff, failed), now::get, Long.MAX_VALUE);
        assertEquals(1, round.reclaimUnanswered(closes, 200, now.get()));
        assertTrue(registry.isLive(putOff), "a ping that could not be queued is the sweep's to judge");
        assertFalse(registry.isLive(failed), "a connection that cannot take a ping will not answer it");
    }

    @Test
    void theTimeoutCountsFromWhenThePingWasWrittenNotFromTheRound() {
        FakeConnection lagging = new FakeConnection();
        lagging.holdPings = true; // an executor that has not written the ping yet
        Manager slow = admit(lagging);

        ProbeRound round = ProbeRound.ping(List.of(slow), now::get, Long.MAX_VALUE);
        now.addAndGet(1_000);
        assertEquals(0, round.reclaimUnanswered(closes, 200, now.get()), "a ping not written yet is nobody's fault");
        lagging.writeHeldPing();
        now.addAndGet(150);
        assertEquals(0, round.reclaimUnanswered(closes, 200, now.get()), "written 150 ms ago: still within 200 ms");
        assertTrue(registry.isLive(slow));
        now.addAndGet(50);
        assertEquals(1, round.reclaimUnanswered(closes, 200, now.get()));
        assertEquals(CloseCodes.PONG_TIMEOUT, lagging.closeCode);
    }
}
