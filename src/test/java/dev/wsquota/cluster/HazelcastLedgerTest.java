package dev.wsquota.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.wsquota.quota.SlotLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several real Hazelcast members in one JVM, on loopback ports of their own. */
@StartsHazelcastMembers
class HazelcastLedgerTest {

    private final List<HazelcastInstance> started = new ArrayList<>();

    @AfterEach
    void shutDown() {
        started.forEach(member -> member.getLifecycleService().terminate());
    }

    /** Starts {@code count} members of one new cluster with this lease. */
    private List<HazelcastInstance> cluster(int count, int leaseSeconds) throws IOException, InterruptedException {
        List<String> addresses = FreePorts.loopbackMembers(count);
        String name = "test-" + System.nanoTime();
        List<HazelcastInstance> members = new ArrayList<>();
        for (String address : addresses) {
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
            ClusterSettings settings = new ClusterSettings(true, name, port, addresses, leaseSeconds, 1);
            HazelcastInstance member = Hazelcast.newHazelcastInstance(
                    HazelcastMember.config(settings, getClass().getClassLoader()));
            started.add(member);
            members.add(member);
        }
        await(() -> members.get(0).getCluster().getMembers().size() == count, 30_000);
        return members;
    }

    private static HazelcastLedger ledger(HazelcastInstance member, int leaseSeconds, AtomicLong clock) {
        ClusterSettings settings = new ClusterSettings(true, "ignored", 5701, List.of("127.0.0.1:5701"),
                leaseSeconds, 1);
        return new HazelcastLedger(member, settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                clock == null ? System::currentTimeMillis : clock::get);
    }

    @Test
    void fourHundredConcurrentAdmissionsOverThreeMembersAdmitExactlyTheQuota() throws Exception {
        List<HazelcastInstance> members = cluster(3, 15);
        List<HazelcastLedger> ledgers = members.stream().map(member -> ledger(member, 15, null)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                HazelcastLedger on = ledgers.get(i % 3);
                String id = "m" + i;
                claims.add(() -> on.claim("alice", id, 5).granted());
            }
            int granted = 0;
            for (Future<Boolean> claim : pool.invokeAll(claims)) {
                granted += claim.get() ? 1 : 0;
            }
            assertEquals(5, granted);
            assertEquals(5, LedgerHooks.count(ledgers.get(1), "alice"));
            assertEquals(Map.of("alice", 5), ledgers.get(2).counts());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void releaseIsIdempotentAndFreesTheSlotForAnotherMember() throws Exception {
        List<HazelcastInstance> members = cluster(2, 15);
        HazelcastLedger a = ledger(members.get(0), 15, null);
        HazelcastLedger b = ledger(members.get(1), 15, null);
        assertTrue(a.claim("bob", "m1", 1).granted());
        assertFalse(b.claim("bob", "m2", 1).granted());
        b.release("bob", "m1"); // another member's manager of the same id: not b's slot
        a.release("bob", "m1");
        a.release("bob", "m1");
        await(() -> LedgerHooks.count(a, "bob") == 0, 5_000);
        assertTrue(b.claim("bob", "m2", 1).granted());
        assertEquals(1, LedgerHooks.count(a, "bob"));
    }

    @Test
    void aDepartedMembersSlotsAreHeldForTheGraceThenFreedByTheOldestMember() throws Exception {
        List<HazelcastInstance> members = cluster(2, 15);
        HazelcastLedger a = ledger(members.get(0), 15, null);
        HazelcastLedger b = ledger(members.get(1), 15, null);
        for (int i = 0; i < 3; i++) {
            assertTrue(b.claim("carol", "m" + i, 5).granted());
        }
        long killed = System.nanoTime();
        members.get(1).getLifecycleService().terminate(); // no goodbye, as kill -9
        await(() -> LedgerHooks.count(a, "carol") == 0, 14_000);
        long freedMillis = (System.nanoTime() - killed) / 1_000_000;
        long grace = a.settings().purgeGraceMillis();
        assertTrue(freedMillis >= grace, "held for the grace (" + grace + " ms): freed after " + freedMillis + " ms");
        assertTrue(freedMillis < 15_000, "freed by the purge, not by the 15 s lease: " + freedMillis + " ms");
        await(() -> a.purgedSlots() == 3, 5_000);
    }

    @Test
    void aMemberThatOnlyLookedGoneKeepsItsSlotsWhenTheGraceEnds() throws Exception {
        List<HazelcastInstance> members = cluster(2, 15);
        HazelcastLedger b = ledger(members.get(1), 15, null);
        for (int i = 0; i < 3; i++) {
            assertTrue(b.claim("dora", "m" + i, 5).granted());
        }
        // Member 0 saw member 1 leave (as a member that was cut off, then merged back, sees it), but 1 is a member.
        Member local = members.get(0).getCluster().getLocalMember();
        Member other = members.get(1).getCluster().getLocalMember();
        MembershipWatcher departed = new MembershipWatcher(members.get(0).getMap(HazelcastLedger.SLOTS_MAP),
                members.get(0).getCluster(), ClusterEvents.NONE, ForkJoinPool.commonPool(), 15, 200);
        departed.memberRemoved(new MembershipEvent(members.get(0).getCluster(), other,
                MembershipEvent.MEMBER_REMOVED, new LinkedHashSet<>(List.of(local))));
        await(() -> departed.skippedPurges.get() == 1, 5_000);
        assertEquals(0, departed.purgedSlots());
        assertEquals(3, LedgerHooks.count(b, "dora"), "the member's live slots stay");
    }

    @Test
    void aDepartedMembersSlotsExpireWithTheirLeaseEvenWithoutThePurge() throws Exception {
        List<HazelcastInstance> members = cluster(2, 3);
        // Member 0 has no ledger, so no membership listener: nothing purges, only the lease can free the slots.
        IMap<String, Slots> map = members.get(0).getMap(HazelcastLedger.SLOTS_MAP);
        HazelcastLedger b = ledger(members.get(1), 3, null);
        assertTrue(b.claim("dave", "m1", 5).granted());
        assertTrue(b.claim("dave", "m2", 5).granted());
        members.get(1).getLifecycleService().terminate();
        assertEquals(2, map.executeOnKey("dave", new ReadSlots()).size(), "still counted before the lease ends");
        await(() -> map.executeOnKey("dave", new ReadSlots()).size() == 0, 10_000);
    }

    @Test
    void renewalRestoresTheSlotsASplitBrainMergeDropped() throws Exception {
        List<HazelcastInstance> members = cluster(2, 15);
        HazelcastLedger a = ledger(members.get(0), 15, null);
        HazelcastLedger b = ledger(members.get(1), 15, null);
        assertTrue(a.claim("erin", "a1", 5).granted());
        assertTrue(a.claim("erin", "a2", 5).granted());
        assertTrue(b.claim("erin", "b1", 5).granted());
        // After a split heals, the default merge policy keeps one side's value: here b's side, without a's slots.
        IMap<String, Slots> map = members.get(1).getMap(HazelcastLedger.SLOTS_MAP);
        map.put("erin", new Slots(map.get("erin").list().stream().filter(s -> s.managerId().startsWith("b")).toList()));
        assertEquals(1, LedgerHooks.count(b, "erin"));
        LedgerHooks.renew(a, Map.of("erin", Set.of("a1", "a2")));
        assertEquals(3, LedgerHooks.count(b, "erin"));
    }

    @Test
    void aSlotARenewalPutBackForAManagerClosedWhileItWasOnItsWayIsReleasedAgain() throws Exception {
        List<HazelcastInstance> members = cluster(2, 15);
        HazelcastLedger a = ledger(members.get(0), 15, null);
        HazelcastLedger b = ledger(members.get(1), 15, null);
        assertTrue(a.claim("fay", "a1", 1).granted());
        AtomicInteger looks = new AtomicInteger();
        // The round lists a1; a1 closes and its release reaches the partition before the round does.
        a.tick(() -> {
            if (looks.getAndIncrement() == 0) {
                a.release("fay", "a1");
                return Map.of("fay", Set.of("a1"));
            }
            return Map.of();
        });
        assertEquals(0, LedgerHooks.count(b, "fay"), "nobody holds a1: its slot is free");
        assertTrue(b.claim("fay", "b1", 1).granted(), "a user at the quota of 1 who closed may connect again");
    }

    @Test
    void aSlotSurvivesTheLossOfItsPartitionOwnerThroughTheBackup() throws Exception {
        List<HazelcastInstance> members = cluster(3, 15);
        String user = "frank";
        java.util.UUID ownerId = members.get(0).getPartitionService().getPartition(user).getOwner().getUuid();
        HazelcastInstance owner = members.stream()
                .filter(m -> m.getCluster().getLocalMember().getUuid().equals(ownerId)).findFirst().orElseThrow();
        // The slots belong to another member, so losing the owner loses only the primary copy, not their holder.
        HazelcastLedger holder = ledger(members.stream().filter(m -> m != owner).findFirst().orElseThrow(), 15, null);
        for (int i = 0; i < 4; i++) {
            assertTrue(holder.claim(user, "m" + i, 5).granted());
        }
        owner.getLifecycleService().terminate();
        assertEquals(4, LedgerHooks.count(holder, user), "the backup copy, promoted, still holds every slot");
        assertFalse(holder.claim(user, "m5", 5).granted() && holder.claim(user, "m6", 5).granted(),
                "and still enforces the quota: only one more fits");
    }

    @Test
    void aNodeThatCouldNotRenewForALeaseFencesItselfAndAdmitsAgainOnlyAfterALeaseOfRenewals() throws Exception {
        List<HazelcastInstance> members = cluster(1, 3);
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        HazelcastLedger a = ledger(members.get(0), 3, clock);
        assertTrue(a.claim("gina", "m1", 5).granted());
        assertTrue(a.unavailable().isEmpty());
        assertFalse(a.tick(() -> Map.of("gina", Set.of("m1"))), "within the lease: nothing to fence");

        clock.addAndGet(3_001); // as after a freeze: no renewal ran for longer than the lease
        assertTrue(a.unavailable().isPresent(), "refuses before any tick noticed");
        assertTrue(a.tick(() -> Map.of("gina", Set.of("m1"))), "the first tick after the freeze fences");
        assertTrue(a.isFenced());
        a.release("gina", "m1"); // as the caller closes its connections: nothing waits on the cluster now
        assertEquals(1, LedgerHooks.count(a, "gina"), "a fenced node's releases leave the cluster to its next renewal");
        assertFalse(a.tick(Map::of), "fences once per lapse");

        clock.addAndGet(1_001);
        a.tick(Map::of); // renews, and drops the slot it no longer holds, but a lease has not passed yet
        assertEquals(0, LedgerHooks.count(a, "gina"));
        assertTrue(a.isFenced(), "still fenced within a lease of the fence");
        clock.addAndGet(2_000);
        a.tick(Map::of);
        assertFalse(a.isFenced(), "a renewal a lease after the fence ends it");
        assertTrue(a.unavailable().isEmpty());

        members.get(0).getLifecycleService().terminate(); // now no renewal can succeed
        clock.addAndGet(3_001);
        assertTrue(a.tick(Map::of));
        clock.addAndGet(5_000);
        a.tick(Map::of);
        assertTrue(a.isFenced(), "stays fenced while it cannot renew");
        assertTrue(a.unavailable().orElseThrow().startsWith("quota service unavailable"));
        assertEquals(2, a.fencings());
        assertTrue(a.renewalFailures() >= 1);
    }

    private static void await(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeoutMillis + " ms");
            }
            Thread.sleep(50);
        }
    }
}
