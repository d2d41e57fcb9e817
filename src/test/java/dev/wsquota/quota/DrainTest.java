package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A drain on a fake clock: refusals from the start, closes at the planned moments, slots back with cause DRAINED. */
class DrainTest {

    private static final long START = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(START);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(100, 10_000), clock::get);
    private final ProbingAdmission admission =
            new ProbingAdmission(registry, scheduler, OnLimitPolicy.REJECT, 5_000, 5_000);
    private final Drain drain = new Drain(registry, scheduler, new SplittableRandom(42));

    /** Admits {@code count} connections spread over four users; returns them in admission order. */
    private List<FakeConnection> admit(int count) {
        List<FakeConnection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FakeConnection connection = new FakeConnection();
            assertTrue(registry.admit("user" + (i % 4), connection).isAdmitted());
            connections.add(connection);
        }
        return connections;
    }

    private static long closedWith1001(List<FakeConnection> connections) {
        return connections.stream().filter(c -> !c.open && c.closeCode == CloseCodes.GOING_AWAY
                && ServerCloses.SHUTTING_DOWN.equals(c.closeReason)).count();
    }

    @Test
    void twoHundredAreClosedOverFiveSecondsWithTheirFairShareInEveryHalfSecond() {
        List<FakeConnection> connections = admit(200);

        Drain.Status started = drain.start(5_000);

        assertTrue(started.draining());
        assertEquals(200, started.planned());
        assertEquals(START + 5_000, started.deadlineMillis());
        assertEquals(200, started.managersLeft());
        long previous = 0;
        for (long window = 1; window <= 10; window++) {
            scheduler.advanceTo(START + window * 500 - 1);
            long closed = closedWith1001(connections);
            assertEquals(20, closed - previous, "closes in window " + window);
            assertEquals(200 - closed, registry.activeManagers(), "each close gave its slot back first");
            previous = closed;
        }
        assertEquals(200, closedWith1001(connections));
        assertEquals(200L, registry.counters().releasesByCause().get(ReleaseCause.DRAINED));
        assertTrue(scheduler.ranAt.size() <= 200 + 1 + 1, "one tick per close at most, plus the answer check: "
                + scheduler.ranAt.size());
        Drain.Status done = drain.finished().join();
        assertTrue(done.finished(), "every peer 'answered' (fake connections close at once)");
        assertEquals(200, done.closed());
        assertEquals(0, done.managersLeft());
        assertTrue(drain.isDraining(), "a drained node keeps refusing until it stops or the drain is ended");
    }

    @Test
    void everyNewConnectionIsRefusedWith1013ServerDrainingFromTheStart() {
        admit(4);
        drain.start(1_000);
        List<Admission> answers = new ArrayList<>();
        admission.admit("late", new FakeConnection(), answers::add); // the path every container admission takes
        Admission direct = registry.admit("user0", new FakeConnection());

        assertEquals(Admission.Outcome.DRAINING, answers.get(0).outcome());
        assertEquals("server draining", answers.get(0).rejectReason());
        assertEquals(Admission.Outcome.DRAINING, direct.outcome());
        assertEquals(2, registry.counters().drainingRejections());
        assertEquals(0, registry.counters().userQuotaRejections(), "a draining refusal is no quota hit");
        List<String> told = new ArrayList<>();
        new LimitHitReporter(clock::get, () -> new RecordingEvents(told)).report(direct);
        assertEquals(List.of(), told, "nor a limit-hit notification");
    }

    @Test
    void aManagerThatLeftBeforeItsTurnIsCountedNotClosedAgain() {
        List<FakeConnection> connections = admit(10);
        drain.start(1_000);
        Manager leaving = registry.allManagers().get(0);
        registry.release(leaving, ReleaseCause.CLOSE);

        scheduler.advanceTo(START + 1_000);

        Drain.Status status = drain.finished().join();
        assertEquals(9, status.closed());
        assertEquals(1, status.leftBefore());
        assertEquals(9, closedWith1001(connections));
        assertEquals(9L, registry.counters().releasesByCause().get(ReleaseCause.DRAINED));
    }

    @Test
    void endingTheDrainAdmitsAgainAndCancelsTheClosesNotYetMade() {
        List<FakeConnection> connections = admit(100);
        drain.start(10_000);
        CompletableFuture<Drain.Status> waiting = drain.finished();
        scheduler.advanceTo(START + 2_999);
        long closedBefore = closedWith1001(connections);
        assertEquals(30, closedBefore, "3 of 10 seconds");

        assertTrue(drain.end());

        assertFalse(drain.isDraining());
        assertTrue(registry.admit("user0", new FakeConnection()).isAdmitted());
        scheduler.advanceTo(START + 20_000);
        assertEquals(closedBefore, closedWith1001(connections), "nothing closed after the end");
        assertEquals(0, scheduler.pending());
        assertTrue(waiting.isDone(), "a waiter hears of the end");
        assertFalse(waiting.join().draining());
        assertFalse(drain.end(), "ending twice changes nothing");
    }

    @Test
    void aSecondDrainReplansTheManagersStillOpenOverItsOwnWindow() {
        List<FakeConnection> connections = admit(100);
        drain.start(100_000);
        scheduler.advanceTo(START + 9_999); // 10 of 100 s: 10 closed
        assertEquals(10, closedWith1001(connections));

        Drain.Status replanned = drain.start(1_000);

        assertEquals(90, replanned.planned());
        assertEquals(START + 9_999 + 1_000, replanned.deadlineMillis());
        scheduler.advanceTo(START + 9_999 + 1_000);
        assertEquals(100, closedWith1001(connections));
        assertTrue(drain.finished().join().finished());
    }

    @Test
    void aNodeWithoutManagersFinishesAtOnceAndKeepsRefusing() {
        Drain.Status started = drain.start(30_000);
        assertEquals(0, started.planned());
        scheduler.advanceTo(START);
        assertTrue(drain.finished().isDone());
        assertTrue(drain.status().finished());
        assertEquals(Admission.Outcome.DRAINING, registry.admit("alice", new FakeConnection()).outcome());
    }

    @Test
    void theDrainWaitsForThePeersToAnswerTheCloseButNotForever() {
        List<FakeConnection> connections = admit(3);
        connections.get(1).failOnClose = true; // its close frame cannot be sent: it stays "open"
        drain.start(1_000);
        scheduler.advanceTo(START + 1_000);
        assertFalse(drain.finished().isDone(), "one peer has not answered yet");
        assertEquals(0, registry.activeManagers(), "its slot is back all the same");
        assertEquals(1, registry.counters().closeFailures());

        scheduler.advanceTo(START + 1_000 + Drain.CLOSE_WAIT_MILLIS + Drain.CLOSE_POLL_MILLIS);

        Drain.Status done = drain.finished().join();
        assertEquals(3, done.closed());
        assertTrue(done.finished());
    }

    @Test
    void aBadWindowIsRefusedAndChangesNothing() {
        admit(2);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> drain.start(0));
        assertEquals("a drain window must be at least 1 ms, was 0", refused.getMessage());
        assertFalse(drain.isDraining());
        assertEquals(2, registry.activeManagers());
    }

    @Test
    void whenTheSchedulerIsGoneTheDrainStillRefusesAndLeavesTheRestToTheStop() {
        admit(5);
        scheduler.shutdown(); // the application is stopping

        Drain.Status started = drain.start(1_000);

        assertTrue(started.draining());
        assertEquals(5, registry.activeManagers(), "the stop releases them (SHUTDOWN)");
        drain.stop();
        assertTrue(drain.finished().isDone());
    }
}
