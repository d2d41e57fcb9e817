package dev.wsquota.quota;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission when other nodes hold the user's slots: a ledger in memory stands in for the cluster; the probes run on
 * a fake clock and a scheduler the test ticks.
 */
class ClusterAdmissionTest {

    /** The cluster's slots of every user, as the ledger would count them. */
    private final Map<String, List<String>> slots = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile Optional<String> unavailable = Optional.empty();

    private final SlotLedger ledger = new SlotLedger() {
        @Override
        public Claim claim(String user, String managerId, int limit) {
            List<String> mine = slots.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>());
            synchronized (mine) {
                boolean granted = mine.size() < limit;
                if (granted) {
                    mine.add(managerId);
                }
                return new Claim(granted, mine.size());
            }
        }

        @Override
        public void release(String user, String managerId) {
            slots.getOrDefault(user, new ArrayList<>()).remove(managerId);
        }

        @Override
        public Optional<String> unavailable() {
            return unavailable;
        }
    };

    /** Other nodes: each call frees one of the user's slots held there ("remote-1" is the oldest). */
    private final OtherNodes others = new OtherNodes() {
        @Override
        public int probe(String user, long waitMillis) {
            calls.add("probe " + user);
            return slots.get(user).remove("remote-dead") ? 1 : 0;
        }

        @Override
        public boolean evictOldest(String user, long waitMillis) {
            calls.add("evict " + user);
            return slots.get(user).remove(0) != null;
        }
    };

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get, ledger);
    private final ManualScheduler scheduler = new ManualScheduler(now);
    private final ProbingAdmission admission = new ProbingAdmission(registry, scheduler, OnLimitPolicy.REJECT, 0, 200);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Admission ask(String user) {
        CompletableFuture<Admission> answer = new CompletableFuture<>();
        admission.admit(user, new FakeConnection(), answer::complete);
        return awaitOnTheClock(answer);
    }

    /** Moves the fake clock one poll at a time until the answer is there; fails if not within 10 s of it. */
    private Admission awaitOnTheClock(CompletableFuture<Admission> answer) {
        long deadline = now.get() + 10_000;
        while (!answer.isDone() && now.get() < deadline) {
            scheduler.advanceTo(now.get() + ProbingAdmission.POLL_MILLIS);
        }
        assertTrue(answer.isDone(), "no answer within 10 s of the fake clock");
        return answer.join();
    }

    private void heldElsewhere(String user, String... ids) {
        slots.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).addAll(List.of(ids));
    }

    @Test
    void theWelcomeCountsTheUserAcrossTheClusterAndTheQuotaHoldsThere() throws Exception {
        admission.setProbeAfterMillis(60_000); // this node's managers are not silent: nothing here to probe
        heldElsewhere("alice", "remote-1", "remote-2", "remote-3");
        Admission first = ask("alice");
        assertTrue(first.isAdmitted());
        assertEquals(4, first.active(), "three elsewhere and this one");
        assertTrue(ask("alice").isAdmitted());
        Admission refused = ask("alice");
        assertEquals(Admission.Outcome.USER_QUOTA, refused.outcome());
        assertEquals("quota exceeded: 5/5 managers for alice", refused.rejectReason());
        registry.release(first.manager(), ReleaseCause.CLOSE);
        assertEquals(4, slots.get("alice").size(), "the release gave the slot back in the cluster");
    }

    @Test
    void atTheQuotaTheOtherNodesProbeTheirSilentManagersFirst() throws Exception {
        admission.setOtherNodes(others);
        heldElsewhere("bob", "remote-1", "remote-2", "remote-3", "remote-4", "remote-dead");
        Admission admitted = ask("bob");
        assertTrue(admitted.isAdmitted(), "the dead manager on another node was reclaimed by its probe");
        assertEquals(List.of("probe bob"), calls);
        assertEquals(5, admitted.active());
    }

    @Test
    void aBurstOfConnectionsAtTheQuotaSharesOneProbeOfTheOtherNodes() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        admission.setOtherNodes(new OtherNodes() {
            @Override
            public int probe(String user, long waitMillis) {
                probes.incrementAndGet();
                return 0;
            }

            @Override
            public boolean evictOldest(String user, long waitMillis) {
                return false;
            }
        });
        heldElsewhere("gina", "remote-1", "remote-2", "remote-3", "remote-4", "remote-5");
        List<CompletableFuture<Admission>> answers = new ArrayList<>();
        // The other nodes' probe runs only when the clock moves: all twenty arrive while it is still running.
        for (int i = 0; i < 20; i++) {
            CompletableFuture<Admission> answer = new CompletableFuture<>();
            admission.admit("gina", new FakeConnection(), answer::complete);
            answers.add(answer);
        }
        for (CompletableFuture<Admission> answer : answers) {
            assertEquals(Admission.Outcome.USER_QUOTA, awaitOnTheClock(answer).outcome());
        }
        assertEquals(1, probes.get(), "twenty refusals, one probe of the other nodes");
    }

    @Test
    void evictOldestEvictsTheUsersOldestManagerOnTheNodeThatHoldsIt() throws Exception {
        admission.setOtherNodes(others);
        admission.setPolicy(OnLimitPolicy.EVICT_OLDEST);
        heldElsewhere("carol", "remote-1", "remote-2", "remote-3", "remote-4", "remote-5");
        assertTrue(ask("carol").isAdmitted());
        assertEquals(List.of("probe carol", "evict carol"), calls);
        assertEquals(List.of("remote-2", "remote-3", "remote-4", "remote-5"), slots.get("carol").subList(0, 4));
    }

    @Test
    void whenTheClusterCannotDecideNobodyIsAdmitted() throws Exception {
        unavailable = Optional.of("quota service unavailable: lost contact with the cluster");
        Admission refused = ask("dave");
        assertEquals(Admission.Outcome.UNAVAILABLE, refused.outcome());
        assertEquals("quota service unavailable: lost contact with the cluster", refused.rejectReason());
        assertEquals(0, registry.activeManagers());
    }
}
