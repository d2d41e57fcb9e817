package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PingSweepTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final PingSweep sweep = new PingSweep(registry, 20_000, 10_000, 0);

    @Test
    void aSilentPeerIsPingedOnceAndAnActiveOneNotAtAll() {
        FakeConnection silent = new FakeConnection();
        FakeConnection chatty = new FakeConnection();
        registry.admit("alice", silent);
        Manager chattyManager = registry.admit("bob", chatty).manager();
        now.addAndGet(20_000);
        chattyManager.messageIn(now.get() - 1);

        assertEquals(1, sweep.sweep().pinged());
        assertEquals(1, silent.pings.get());
        assertEquals(0, chatty.pings.get());

        now.addAndGet(1_000);
        assertEquals(0, sweep.sweep().pinged(), "no second ping while one is outstanding");
    }

    @Test
    void anUnansweredPingClosesAndReleasesWithCausePongTimeout() {
        FakeConnection dead = new FakeConnection();
        registry.admit("alice", dead);
        now.addAndGet(20_000);
        sweep.sweep();
        assertEquals(0, sweepOnTimeFor(9_999), "not before the pong timeout");
        now.addAndGet(1);

        PingSweep.SweepReport report = sweep.sweep();

        assertEquals(1, report.timedOut());
        assertEquals(0, sweep.lagMillis, "sweeps on time extend nothing");
        assertEquals(0, registry.activeManagers());
        assertEquals(CloseCodes.PONG_TIMEOUT, dead.closeCode);
        assertEquals("no pong within 10000 ms", dead.closeReason);
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.PONG_TIMEOUT));
    }

    @Test
    void aPongKeepsTheSlotForAsLongAsThePeerAnswers() {
        FakeConnection healthy = new FakeConnection();
        Manager manager = registry.admit("alice", healthy).manager();
        healthy.onPing = () -> manager.touch(now.get());
        for (int round = 0; round < 10; round++) {
            now.addAndGet(20_000);
            sweep.sweep();
            now.addAndGet(10_000);
            assertEquals(0, sweep.sweep().timedOut());
        }
        assertTrue(registry.isLive(manager));
        assertEquals(10, healthy.pings.get());
    }

    @Test
    void aConnectionThatCannotTakeAPingIsReleasedAsAnErrorAndTheSweepGoesOn() {
        FakeConnection broken = new FakeConnection();
        broken.failOnPing = true;
        FakeConnection fine = new FakeConnection();
        registry.admit("alice", broken);
        registry.admit("bob", fine);
        now.addAndGet(20_000);

        PingSweep.SweepReport report = sweep.sweep();

        assertEquals(1, report.failures());
        assertEquals(1, report.pinged());
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.ERROR));
        assertEquals(1, registry.countOf("bob"));
    }

    @Test
    void aConnectionBusyWritingIsPingedOnTheNextSweepAndNotTimedOut() {
        FakeConnection writing = new FakeConnection();
        Manager manager = registry.admit("alice", writing).manager();
        writing.onPing = () -> manager.touch(now.get());
        writing.busy = true;
        now.addAndGet(20_000);

        PingSweep.SweepReport first = sweep.sweep();
        assertEquals(0, first.pinged());
        assertEquals(1, first.busy());
        assertEquals(0, manager.pingQueuedMillis(), "no ping is outstanding for one that was not queued");

        now.addAndGet(10_000);
        assertEquals(0, sweep.sweep().timedOut(), "never timed out for a ping it did not get");
        writing.busy = false;
        now.addAndGet(250);
        assertEquals(1, sweep.sweep().pinged());
        assertTrue(registry.isLive(manager));
    }

    @Test
    void thePongTimeoutCountsFromWhenThePingWasWrittenNotQueued() {
        FakeConnection lagging = new FakeConnection();
        lagging.holdPings = true; // the executor is saturated: the ping waits in its queue
        Manager manager = registry.admit("alice", lagging).manager();
        now.addAndGet(20_000);
        sweep.sweep();
        assertEquals(0, sweepOnTimeFor(15_000), "queued 15 s ago, written never: not yet judged (2 x 10 s)");
        lagging.writeHeldPing(); // written now
        assertEquals(0, sweepOnTimeFor(9_999), "written 9.999 s ago: within the pong timeout");
        now.addAndGet(1);
        assertEquals(1, sweep.sweep().timedOut());
        assertFalse(registry.isLive(manager));
    }

    @Test
    void aPingThatCannotBeWrittenForTwiceThePongTimeoutCountsAsUnanswered() {
        FakeConnection stuck = new FakeConnection();
        stuck.holdPings = true; // stuck behind a write to a peer that stopped reading
        Manager manager = registry.admit("alice", stuck).manager();
        now.addAndGet(20_000);
        sweep.sweep();
        assertEquals(0, sweepOnTimeFor(19_999));
        now.addAndGet(1);
        assertEquals(1, sweep.sweep().timedOut());
        assertFalse(registry.isLive(manager));
    }

    @Test
    void pingingCanBeTurnedOff() {
        PingSweep off = new PingSweep(registry, 0, 10_000, 0);
        FakeConnection silent = new FakeConnection();
        registry.admit("alice", silent);
        now.addAndGet(86_400_000L);
        assertEquals(0, off.sweep().pinged());
        assertFalse(silent.closeCode != 0);
    }

    @Test
    void anIdlePeerIsClosedWith1001BeforeTheContainerWould() {
        PingSweep withIdle = new PingSweep(registry, 0, 10_000, 60_000);
        FakeConnection idle = new FakeConnection();
        registry.admit("alice", idle);
        now.addAndGet(60_000);
        assertEquals(0, withIdle.sweep().idled(), "not before the idle timeout has passed");
        now.addAndGet(1);

        PingSweep.SweepReport report = withIdle.sweep();

        assertEquals(1, report.idled());
        assertEquals(1001, idle.closeCode);
        assertEquals("idle for more than 60 s", idle.closeReason);
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.IDLE));
    }

    @Test
    void theSweepPeriodFollowsTheShorterSettingWithinBounds() {
        assertEquals(500, new PingSweep(registry, 0, 10_000, 2_000).sweepPeriodMillis());
        assertEquals(2_500, new PingSweep(registry, 20_000, 10_000, 0).sweepPeriodMillis());
        assertEquals(250, new PingSweep(registry, 1_000, 1_000, 0).sweepPeriodMillis());
        assertEquals(5_000, new PingSweep(registry, 3_600_000, 3_600_000, 0).sweepPeriodMillis());
        assertEquals(2_500, new PingSweep(registry, 0, 10_000, 0).sweepPeriodMillis());
    }

    @Test
    void aSweepThatRunsLateExtendsThePongDeadlineByItsLateness() {
        FakeConnection slow = new FakeConnection();
        Manager manager = registry.admit("alice", slow).manager();
        now.addAndGet(20_000);
        sweep.sweep(); // the ping is written now
        assertEquals(0, sweepOnTimeFor(5_000));
        now.addAndGet(2_500 + 4_500); // the server stalls: this sweep runs 4.5 s late, 12 s after the ping

        PingSweep.SweepReport late = sweep.sweep();

        assertEquals(4_500, late.lateMillis());
        assertEquals(0, late.timedOut(), "12 s after the ping, but 4.5 s of it the server did not run");
        assertTrue(registry.isLive(manager));
        assertEquals(0, sweepOnTimeFor(2_499), "7.5 + 2.499 s of server time since the ping");
        now.addAndGet(1);
        assertEquals(1, sweep.sweep().timedOut(),
                "the pong timeout of server time has passed: a dead peer is still found");
        assertEquals(4_500, sweep.lagMillis);
    }

    @Test
    void aPongReadAfterTheServersStallIsNotPreemptedByTheLateSweep() {
        FakeConnection answered = new FakeConnection();
        Manager manager = registry.admit("alice", answered).manager();
        now.addAndGet(20_000);
        sweep.sweep();
        assertEquals(0, sweepOnTimeFor(5_000));
        now.addAndGet(8_000); // a pause of 5.5 s; the pong waits unread in the socket and the sweep runs first

        assertEquals(0, sweep.sweep().timedOut(), "13 s after the ping, 10 s would have killed it");
        manager.touch(now.get()); // then the reader thread gets to the pong

        assertEquals(0, sweepOnTimeFor(15_000)); // before its next ping is due
        assertTrue(registry.isLive(manager));
        assertEquals(0, answered.closeCode);
    }

    @Test
    void underConstantLagADeadPeerIsFoundLaterButFound() {
        FakeConnection dead = new FakeConnection();
        Manager manager = registry.admit("alice", dead).manager();
        now.addAndGet(20_000);
        sweep.sweep();
        int sweeps = 0;
        while (registry.isLive(manager) && sweeps < 100) {
            now.addAndGet(3_500); // every sweep 1 s late: server time runs at 2.5 / 3.5 of the wall clock
            sweep.sweep();
            sweeps++;
        }
        assertEquals(4, sweeps, "10 s of server time = 4 sweeps of 2.5 s, 14 s on the wall clock");
        assertEquals(CloseCodes.PONG_TIMEOUT, dead.closeCode);
    }

    @Test
    void aChangeOfPeriodIsNotLateness() {
        registry.admit("alice", new FakeConnection());
        sweep.sweep();
        now.addAndGet(60_000); // the old period was long
        sweep.setPingIntervalMillis(20_000);

        assertEquals(0, sweep.sweep().lateMillis());
        assertEquals(0, sweep.lagMillis);
    }

    /** Lets {@code millis} pass with the sweep running on time (every period); returns how many it timed out. */
    private int sweepOnTimeFor(long millis) {
        int timedOut = 0;
        long left = millis;
        while (left > 0) {
            long step = Math.min(left, sweep.sweepPeriodMillis());
            now.addAndGet(step);
            left -= step;
            timedOut += sweep.sweep().timedOut();
        }
        return timedOut;
    }
}
