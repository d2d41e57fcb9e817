package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CleanupPassTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final AtomicLong idleTimeout = new AtomicLong(60_000);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CleanupPass pass = new CleanupPass(registry, idleTimeout::get, () -> new RecordingEvents(events));

    @Test
    void aPassReclaimsTheClosedAndTheIdleAndIsRecorded() {
        FakeConnection closed = new FakeConnection();
        FakeConnection idle = new FakeConnection();
        registry.admit("alice", closed);
        registry.admit("bob", idle);
        Manager busy = registry.admit("carol", new FakeConnection()).manager();
        closed.open = false;
        now.addAndGet(60_001);
        busy.messageIn(now.get());

        CleanupReport report = pass.run(null);

        assertEquals(1, report.stale());
        assertEquals(1, report.idle());
        assertEquals(1001, idle.closeCode);
        assertEquals(1, registry.activeManagers());
        CleanupStatistics.Snapshot statistics = pass.statistics();
        assertEquals(1, statistics.runs());
        assertEquals(2, statistics.lastReclaimed());
        assertEquals(1_000_000L, statistics.lastRunMillis() - 60_001);
        assertTrue(events.isEmpty(), "nothing to report: " + events);
    }

    @Test
    void aPassOverOneUserLeavesTheOthersAlone() {
        FakeConnection alice = new FakeConnection();
        FakeConnection bob = new FakeConnection();
        registry.admit("alice", alice);
        registry.admit("bob", bob);
        alice.open = false;
        bob.open = false;

        assertEquals(1, pass.run("alice").reclaimed());
        assertEquals(1, registry.countOf("bob"));
    }

    @Test
    void aManagerThatCannotBeCleanedIsCountedReportedAndKeepsItsSlot() {
        FakeConnection broken = new FakeConnection();
        broken.failOnIsOpen = true;
        registry.admit("alice", broken);

        assertEquals(1, pass.run(null).failures());

        assertEquals(1, registry.activeManagers());
        assertEquals(1, pass.statistics().consecutiveFailedRuns());
        assertEquals(
                List.of("cleanupFailed 1 java.lang.IllegalStateException: injected failure: session state unreadable"),
                events);
    }

    @Test
    void aPassThatCannotRunAtAllCountsAsOneFailure() {
        CleanupPass aborted = new CleanupPass(registry, () -> {
            throw new IllegalStateException("settings unreadable");
        }, () -> new RecordingEvents(events));

        assertEquals(1, aborted.run(null).failures());

        assertEquals(1, aborted.statistics().runs());
        assertEquals(1, aborted.statistics().totalFailures());
        assertEquals(List.of("cleanupFailed 1 java.lang.IllegalStateException: settings unreadable"), events);
    }

    @Test
    void driftIsCorrectedThroughTheContainerAndCountsAsRecurringAfterThreePassesInARow() {
        pass.seen(List::of); // the container has no session open at all
        for (int i = 1; i <= 3; i++) {
            admitPhantom("s" + i);
            pass.run(null);
            now.addAndGet(CleanupPass.DRIFT_GRACE_MILLIS);
            assertFalse(pass.isDriftRecurring(), "not yet recurring after " + (i - 1) + " corrections");
        }

        pass.run(null);

        assertEquals(3, pass.driftCorrections());
        assertTrue(pass.isDriftRecurring());
        assertEquals(0, registry.activeManagers());
        assertEquals(3L, registry.counters().releasesByCause().get(ReleaseCause.DRIFT));
        assertEquals(3, events.stream().filter(line -> line.startsWith("driftCorrected")).count());

        pass.run(null);
        assertFalse(pass.isDriftRecurring(), "a pass without drift ends the run");
    }

    @Test
    void theTimersPassCorrectsDriftEveryPassWhileTheRegistryIsSmall() {
        pass.seen(List::of);
        admitPhantom("s1");
        pass.runScheduled(); // the first look: a suspect
        now.addAndGet(CleanupPass.DRIFT_GRACE_MILLIS);
        pass.runScheduled(); // the next pass, not ten passes later

        assertEquals(1, pass.driftCorrections());
        assertEquals(0, registry.activeManagers());
    }

    @Test
    void withoutAnyContainerSessionThereIsNothingToReconcile() {
        admitPhantom("s1");
        pass.run(null);
        now.addAndGet(CleanupPass.DRIFT_GRACE_MILLIS);
        pass.run(null);
        assertEquals(0, pass.driftCorrections());
        assertEquals(1, registry.activeManagers());
    }

    @Test
    void cleanupIsLateOnlyAfterTwiceTheIntervalWithoutAPass() {
        long started = now.get();
        now.addAndGet(20_000);
        assertFalse(pass.isLate(started, 10_000));
        now.addAndGet(1);
        assertTrue(pass.isLate(started, 10_000), "no pass since start for more than twice the interval");
        pass.run(null);
        assertFalse(pass.isLate(started, 10_000), "counted from the last pass once there is one");
    }

    private void admitPhantom(String sessionId) {
        FakeConnection connection = new FakeConnection();
        connection.sessionId = sessionId;
        assertTrue(registry.admit("user-" + sessionId, connection).isAdmitted());
    }
}
