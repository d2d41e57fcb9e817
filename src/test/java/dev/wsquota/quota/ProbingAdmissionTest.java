package dev.wsquota.quota;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probing at the quota on a fake clock: the probe's poller and timeout run only when the test moves the clock. */
class ProbingAdmissionTest {

    /** Fake-clock time an answer may take before the test calls it lost (far above the 200 ms probe timeout). */
    private static final long ANSWER_BOUND_MILLIS = 10_000;

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final ManualScheduler scheduler = new ManualScheduler(now);
    private final ProbingAdmission admission = new ProbingAdmission(registry, scheduler, OnLimitPolicy.REJECT, 0, 200);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private FakeConnection live(String user) {
        FakeConnection connection = new FakeConnection();
        Manager manager = registry.admit(user, connection).manager();
        connection.onPing = () -> manager.touch(now.get());
        return connection;
    }

    private FakeConnection dead(String user) {
        FakeConnection connection = new FakeConnection();
        registry.admit(user, connection);
        return connection; // never answers a ping
    }

    private Admission ask(String user, FakeConnection connection) {
        CompletableFuture<Admission> answer = new CompletableFuture<>();
        admission.admit(user, connection, answer::complete);
        return awaitOnTheClock(answer);
    }

    /** Moves the fake clock one poll at a time until the answer is there; fails if it is not within the bound. */
    private Admission awaitOnTheClock(CompletableFuture<Admission> answer) {
        long deadline = now.get() + ANSWER_BOUND_MILLIS;
        while (!answer.isDone() && now.get() < deadline) {
            scheduler.advanceTo(now.get() + ProbingAdmission.POLL_MILLIS);
        }
        assertTrue(answer.isDone(), "no answer within " + ANSWER_BOUND_MILLIS + " ms of the fake clock");
        return answer.join();
    }

    @Test
    void aRefusedConnectionCountsAsOneRejection() throws Exception {
        for (int i = 0; i < 5; i++) {
            live("alice");
        }
        assertEquals(Admission.Outcome.USER_QUOTA, ask("alice", new FakeConnection()).outcome());
        assertEquals(1, registry.counters().userQuotaRejections(), "the first try and the decision are one refusal");
        admission.setProbeAfterMillis(60_000);
        assertEquals(Admission.Outcome.USER_QUOTA, ask("alice", new FakeConnection()).outcome());
        assertEquals(2, registry.counters().userQuotaRejections());
    }

    @Test
    void underTheQuotaTheAnswerComesAtOnceWithoutAProbe() throws Exception {
        assertTrue(ask("alice", new FakeConnection()).isAdmitted());
        assertEquals(0, admission.probes());
    }

    @Test
    void deadManagersAreFoundByTheProbeAndTheNewConnectionIsAdmitted() throws Exception {
        List<FakeConnection> alive = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alive.add(live("alice"));
        }
        FakeConnection dead1 = dead("alice");
        FakeConnection dead2 = dead("alice");

        Admission answer = ask("alice", new FakeConnection());

        assertTrue(answer.isAdmitted());
        assertEquals(4, answer.active());
        assertEquals(CloseCodes.PONG_TIMEOUT, dead1.closeCode);
        assertEquals(CloseCodes.PONG_TIMEOUT, dead2.closeCode);
        alive.forEach(connection -> assertTrue(connection.open, "the live ones are untouched"));
        assertEquals(2L, registry.counters().releasesByCause().get(ReleaseCause.PONG_TIMEOUT));
        assertEquals(2, admission.probeReclaimed());
    }

    @Test
    void whenEveryoneAnswersTheRejectionComesBeforeTheProbeTimeout() throws Exception {
        admission.setProbeTimeoutMillis(5_000);
        for (int i = 0; i < 5; i++) {
            live("alice");
        }
        long started = now.get();
        Admission answer = ask("alice", new FakeConnection());
        long tookMillis = now.get() - started;

        assertEquals(Admission.Outcome.USER_QUOTA, answer.outcome());
        assertTrue(tookMillis < 5_000, "all answered, so no need to wait for the 5 s timeout; took " + tookMillis
                + " ms of the fake clock");
        assertEquals(5, registry.countOf("alice"));
    }

    @Test
    void evictOldestReplacesTheOldestLiveManager() throws Exception {
        admission.setPolicy(OnLimitPolicy.EVICT_OLDEST);
        FakeConnection oldest = live("alice");
        Manager oldestManager = registry.managersOf("alice").get(0);
        for (int i = 0; i < 4; i++) {
            live("alice");
        }
        Admission answer = ask("alice", new FakeConnection());

        assertTrue(answer.isAdmitted());
        assertSame(oldestManager, answer.evicted());
        assertEquals(5, answer.active());
        assertEquals(CloseCodes.REPLACED, oldest.closeCode);
        assertEquals("replaced by a newer connection", oldest.closeReason);
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.EVICTED));
    }

    @Test
    void evictOldestWithAQuotaOfOneKeepsTheUserConsistent() throws Exception {
        registry.limits().setOverride("bob", 1);
        admission.setPolicy(OnLimitPolicy.EVICT_OLDEST);
        FakeConnection first = live("bob");
        Admission second = ask("bob", new FakeConnection());
        assertTrue(second.isAdmitted());
        assertEquals(CloseCodes.REPLACED, first.closeCode);
        assertEquals(1, registry.countOf("bob"));
        assertEquals(1, registry.activeUsers());
        Admission third = ask("bob", new FakeConnection());
        assertTrue(third.isAdmitted(), "the user's set was not retired by the eviction");
        assertEquals(1, registry.countOf("bob"));
    }

    @Test
    void withoutASchedulerTheAnswerComesAtOnce() throws Exception { // the application is stopping
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdownNow();
        ProbingAdmission stopping = new ProbingAdmission(registry, stopped, OnLimitPolicy.REJECT, 0, 200);
        for (int i = 0; i < 5; i++) {
            dead("alice");
        }
        CompletableFuture<Admission> answer = new CompletableFuture<>();
        stopping.admit("alice", new FakeConnection(), answer::complete);
        assertTrue(answer.isDone(), "nobody is left waiting for an answer");
        assertEquals(Admission.Outcome.USER_QUOTA, answer.get().outcome(), "without a probe nobody is judged dead");
        assertEquals(5, registry.countOf("alice"));
        CompletableFuture<Admission> next = new CompletableFuture<>();
        stopping.admit("alice", new FakeConnection(), next::complete);
        assertTrue(next.isDone(), "and the poller flag was not left stuck");
    }

    @Test
    void aManagerBusyWritingIsNotJudgedDeadByTheProbe() throws Exception {
        List<FakeConnection> busy = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeConnection connection = dead("alice");
            connection.busy = true;
            busy.add(connection);
        }
        Admission answer = ask("alice", new FakeConnection());
        assertEquals(Admission.Outcome.USER_QUOTA, answer.outcome());
        busy.forEach(connection -> assertTrue(connection.open, "not closed for a ping it never got"));
        assertEquals(0, admission.probeReclaimed());
    }

    @Test
    void recentlyActiveManagersAreNotProbed() throws Exception {
        admission.setProbeAfterMillis(60_000);
        List<FakeConnection> connections = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            connections.add(dead("alice"));
        }
        Admission answer = ask("alice", new FakeConnection());
        assertFalse(answer.isAdmitted());
        assertEquals(0, admission.probes());
        connections.forEach(connection -> assertEquals(0, connection.pings.get()));
        assertNull(answer.manager());
    }

    @Test
    void connectionsArrivingDuringAProbeJoinItInsteadOfPingingAgain() throws Exception {
        List<FakeConnection> silent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            silent.add(dead("alice"));
        }
        List<CompletableFuture<Admission>> answers = new ArrayList<>();
        int answeredAtOnce = 0;
        for (int i = 0; i < 40; i++) {
            CompletableFuture<Admission> answer = new CompletableFuture<>();
            admission.admit("alice", new FakeConnection(), answer::complete);
            answers.add(answer);
            if (answer.isDone()) {
                answeredAtOnce++;
                assertEquals(Admission.Outcome.USER_QUOTA, answer.get().outcome());
            }
        }
        assertEquals(35, answeredAtOnce,
                "the round can free five slots: five wait for it, the other 35 are refused at once");
        int admitted = 0;
        for (CompletableFuture<Admission> answer : answers) {
            admitted += awaitOnTheClock(answer).isAdmitted() ? 1 : 0;
        }

        assertEquals(1, admission.probes(), "one round for the whole burst");
        for (FakeConnection connection : silent) {
            assertEquals(1, connection.pings.get(), "each silent manager pinged once, not once per waiting connection");
            assertEquals(CloseCodes.PONG_TIMEOUT, connection.closeCode);
        }
        assertEquals(5, admitted, "the five reclaimed slots go to the five waiting connections");
        assertEquals(5, admission.probeReclaimed());
        assertEquals(5, registry.countOf("alice"));
    }
}
