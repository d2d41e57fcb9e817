package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagerRegistryTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);

    private Admission admit(String user) {
        return registry.admit(user, new FakeConnection());
    }

    @Test
    void admitsUpToTheQuotaThenRejectsWithCountAndLimit() {
        for (int i = 1; i <= 5; i++) {
            Admission admission = admit("alice");
            assertTrue(admission.isAdmitted());
            assertEquals(i, admission.active());
            assertEquals(5, admission.limit());
        }
        Admission sixth = admit("alice");
        assertFalse(sixth.isAdmitted());
        assertEquals(Admission.Outcome.USER_QUOTA, sixth.outcome());
        assertNull(sixth.manager());
        assertEquals("quota exceeded: 5/5 managers for alice", sixth.rejectReason());
        assertEquals(5, registry.countOf("alice"));
        assertEquals(1, registry.counters().userQuotaRejections());
    }

    @Test
    void oneUserAtQuotaDoesNotAffectAnother() {
        for (int i = 0; i < 5; i++) {
            admit("alice");
        }
        assertTrue(admit("bob").isAdmitted());
        assertEquals(Map.of("alice", 5, "bob", 1), registry.userCounts());
        assertEquals(2, registry.activeUsers());
        assertEquals(6, registry.activeManagers());
    }

    @Test
    void releaseIsIdempotentAndNeverFreesAnotherManagersSlot() {
        Manager first = admit("alice").manager();
        Manager second = admit("alice").manager();
        assertTrue(registry.release(first, ReleaseCause.CLOSE));
        assertFalse(registry.release(first, ReleaseCause.ERROR), "second release of the same manager");
        assertFalse(registry.release((Manager) null, ReleaseCause.CLOSE));
        assertEquals(1, registry.countOf("alice"));
        assertTrue(registry.find(second.id()).isPresent());
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.CLOSE));
        assertEquals(0L, registry.counters().releasesByCause().get(ReleaseCause.ERROR));
    }

    @Test
    void lastReleaseRemovesTheUserAndTheUserCanComeBack() {
        Manager only = admit("alice").manager();
        registry.release(only, ReleaseCause.CLOSE);
        assertEquals(0, registry.activeUsers());
        assertEquals(Map.of(), registry.userCounts());
        Admission again = admit("alice");
        assertTrue(again.isAdmitted());
        assertEquals(1, again.active());
    }

    @Test
    void staleManagersAreReclaimedBeforeARejection() {
        List<FakeConnection> connections = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeConnection connection = new FakeConnection();
            connections.add(connection);
            registry.admit("alice", connection);
        }
        connections.get(1).open = false; // leaked: the session closed but no callback released it
        connections.get(3).open = false;
        Admission admission = admit("alice");
        assertTrue(admission.isAdmitted(), "a leaked slot must never cause a rejection");
        assertEquals(4, admission.active());
        assertEquals(2L, registry.counters().releasesByCause().get(ReleaseCause.STALE));
    }

    @Test
    void allStaleManagersOfAUserAreReclaimedAndTheUserIsAdmitted() {
        List<FakeConnection> connections = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeConnection connection = new FakeConnection();
            connections.add(connection);
            registry.admit("alice", connection);
        }
        connections.forEach(connection -> connection.open = false);
        Admission admission = admit("alice");
        assertTrue(admission.isAdmitted());
        assertEquals(1, admission.active());
        assertEquals(1, registry.activeManagers());
    }

    @Test
    void totalCapRejectsEvenUsersUnderTheirQuota() {
        ManagerRegistry small = new ManagerRegistry(new QuotaLimits(5, 3), now::get);
        assertTrue(small.admit("alice", new FakeConnection()).isAdmitted());
        assertTrue(small.admit("bob", new FakeConnection()).isAdmitted());
        assertTrue(small.admit("carol", new FakeConnection()).isAdmitted());
        Admission fourth = small.admit("dave", new FakeConnection());
        assertEquals(Admission.Outcome.TOTAL_QUOTA, fourth.outcome());
        assertEquals("quota exceeded: 3/3 managers in total", fourth.rejectReason());
        assertEquals(3, small.activeManagers());
        assertEquals(3, small.activeUsers(), "a rejected user leaves no empty entry behind");
    }

    @Test
    void totalCapReclaimsStaleManagersOfOtherUsersFirst() {
        ManagerRegistry small = new ManagerRegistry(new QuotaLimits(5, 2), now::get);
        FakeConnection leaked = new FakeConnection();
        small.admit("alice", leaked);
        small.admit("bob", new FakeConnection());
        leaked.open = false;
        assertTrue(small.admit("carol", new FakeConnection()).isAdmitted());
        assertEquals(Map.of("bob", 1, "carol", 1), small.userCounts());
    }

    @Test
    void loweringTheQuotaClosesNobodyButRefusesNewConnections() {
        for (int i = 0; i < 5; i++) {
            admit("alice");
        }
        registry.limits().setMaxPerUser(2);
        assertEquals(5, registry.countOf("alice"));
        Admission refused = admit("alice");
        assertEquals("quota exceeded: 5/2 managers for alice", refused.rejectReason());
    }

    @Test
    void theExcessOfAUserIsTheirNewestManagers() {
        List<Manager> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(admit("alice").manager());
            now.incrementAndGet();
        }
        assertTrue(registry.closes().excessOf("alice").isEmpty());
        registry.limits().setOverride("alice", 3);
        assertEquals(List.of(five.get(4), five.get(3)), registry.closes().excessOf("alice"));
    }

    @Test
    void userViewsShowCountQuotaAgeAndActivity() {
        Manager first = admit("alice").manager();
        now.addAndGet(10_000);
        admit("alice");
        now.addAndGet(5_000);
        first.messageIn(now.get() - 2_000);
        assertEquals(List.of(new UserView("alice", 2, 5, 15, 2)), UserView.rows(registry));
        ManagerView view = ManagerView.rows(registry, "alice").get(0);
        assertEquals(first.id(), view.managerId());
        assertEquals(2, view.idleSeconds());
        assertEquals(1, view.messagesIn());
        assertEquals("127.0.0.1:50000", view.remoteAddress());
    }

    @Test
    void perUserOverrideWinsOverTheDefault() {
        registry.limits().setOverride("bob", 1);
        assertTrue(admit("bob").isAdmitted());
        assertFalse(admit("bob").isAdmitted());
        registry.limits().clearOverride("bob");
        assertTrue(admit("bob").isAdmitted());
    }

    @Test
    void cleanupReclaimsClosedSessionsAndClosesIdleOnes() {
        FakeConnection closed = new FakeConnection();
        FakeConnection idle = new FakeConnection();
        FakeConnection busy = new FakeConnection();
        registry.admit("alice", closed);
        registry.admit("alice", idle);
        Manager busyManager = registry.admit("bob", busy).manager();
        closed.open = false;
        now.addAndGet(301_000);
        busyManager.messageIn(now.get());

        CleanupReport report = CleanupPass.reclaim(registry, 300_000);

        assertEquals(1, report.stale());
        assertEquals(1, report.idle());
        assertEquals(2, report.reclaimed());
        assertEquals(0, report.failures());
        assertEquals(1001, idle.closeCode);
        assertEquals("idle for more than 300 s", idle.closeReason);
        assertTrue(busy.open);
        assertEquals(Map.of("bob", 1), registry.userCounts());
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.IDLE));
    }

    @Test
    void idleTimeoutZeroMeansNever() {
        FakeConnection idle = new FakeConnection();
        registry.admit("alice", idle);
        now.addAndGet(86_400_000L);
        assertEquals(0, CleanupPass.reclaim(registry, 0).reclaimed());
        assertTrue(idle.open);
    }

    @Test
    void aFailureOnOneManagerIsCountedAndTheCleanupGoesOn() {
        FakeConnection broken = new FakeConnection();
        broken.failOnIsOpen = true;
        FakeConnection closed = new FakeConnection();
        registry.admit("alice", broken);
        registry.admit("bob", closed);
        registry.admit("carol", closed(new FakeConnection()));
        closed.open = false;

        CleanupReport report = CleanupPass.reclaim(registry, 0);

        assertEquals(1, report.failures());
        assertEquals(1, report.errors().size());
        assertEquals("alice", report.errors().get(0).user());
        assertEquals(2, report.stale());
        assertEquals(Map.of("alice", 1), registry.userCounts(), "the broken one keeps its slot until it can be judged");
    }

    private static FakeConnection closed(FakeConnection connection) {
        connection.open = false;
        return connection;
    }

    @Test
    void releaseAllClosesEveryoneAndCountsCloseFailures() {
        FakeConnection failing = new FakeConnection();
        failing.failOnClose = true;
        registry.admit("alice", failing);
        registry.admit("bob", new FakeConnection());
        assertEquals(2, registry.closes().releaseAll(ReleaseCause.SHUTDOWN, 1001, "server shutting down"));
        assertEquals(0, registry.activeManagers());
        assertEquals(0, registry.activeUsers());
        assertEquals(1, registry.counters().closeFailures());
    }

    @Test
    void managersOfAUserAreListedOldestFirst() {
        Manager first = admit("alice").manager();
        now.incrementAndGet();
        Manager second = admit("alice").manager();
        assertEquals(List.of(first, second), registry.managersOf("alice"));
        assertTrue(registry.managersOf("nobody").isEmpty());
    }

    @Test
    void oneUsersAdmissionIsAtomicUnderContention() throws Exception {
        int threads = 8;
        int operationsPerThread = 10_000;
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger overAdmissions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < operationsPerThread; i++) {
                    Admission admission = admit("alice");
                    if (admission.isAdmitted()) {
                        int active = admission.active();
                        maxSeen.accumulateAndGet(active, Math::max);
                        if (registry.countOf("alice") > 5) {
                            overAdmissions.incrementAndGet();
                        }
                        registry.release(admission.manager(), ReleaseCause.CLOSE);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(0, overAdmissions.get());
        assertTrue(maxSeen.get() <= 5, "at most 5 at once, saw " + maxSeen.get());
        assertEquals(0, registry.countOf("alice"), "no drift after 80,000 operations");
        assertEquals(0, registry.activeManagers());
        assertEquals(0, registry.activeUsers());
        assertEquals(registry.counters().admissions(), registry.counters().releasesByCause().get(ReleaseCause.CLOSE));
        assertEquals(threads * operationsPerThread, registry.counters().admissions() + registry.counters()
                .userQuotaRejections());
    }

    @Test
    void fiftySimultaneousAdmissionsForOneUserAdmitExactlyFive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return admit("alice").isAdmitted();
            }));
        }
        start.countDown();
        int admitted = 0;
        for (Future<Boolean> result : results) {
            admitted += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(5, admitted);
        assertEquals(5, registry.countOf("alice"));
        assertEquals(45, registry.counters().userQuotaRejections());
    }

    @Test
    void theTotalCapIsNeverExceededUnderContention() throws Exception {
        ManagerRegistry capped = new ManagerRegistry(new QuotaLimits(5, 20), now::get);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger overCap = new AtomicInteger();
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 5_000; i++) {
                    Admission admission = capped.admit("user" + (thread * 7 + i) % 40, new FakeConnection());
                    if (admission.isAdmitted()) {
                        if (capped.activeManagers() > 20) {
                            overCap.incrementAndGet();
                        }
                        capped.release(admission.manager(), ReleaseCause.CLOSE);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(0, overCap.get());
        assertEquals(0, capped.activeManagers());
        assertEquals(0, capped.activeUsers());
    }
}
