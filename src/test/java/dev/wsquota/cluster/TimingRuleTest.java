package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timing rule that keeps a minority's fence before the majority's purge, on real members over loopback. */
class TimingRuleTest {

    private final List<HazelcastInstance> started = new ArrayList<>();

    @AfterEach
    void shutDown() {
        started.forEach(member -> member.getLifecycleService().terminate());
    }

    @Test
    void detectionIsHalfALeaseAndThePurgeComesAMarginAfterTheDepartedMembersLeaseRanOut() {
        ClusterSettings settings = new ClusterSettings(true, "t", 5701, List.of("127.0.0.1:5701"), 15, 2);
        assertEquals(7, settings.detectionSeconds());
        assertEquals(11_000, settings.purgeGraceMillis());
        assertEquals(3, new ClusterSettings(true, "t", 5701, List.of("127.0.0.1:5701"), 3, 2).detectionSeconds());
        assertEquals("7", HazelcastMember.config(settings, getClass().getClassLoader()).getProperty(
                "hazelcast.max.no.heartbeat.seconds"));
        for (int lease = ClusterSettings.MIN_LEASE_SECONDS; lease <= 120; lease++) {
            ClusterSettings s = new ClusterSettings(true, "t", 5701, List.of("127.0.0.1:5701"), lease, 2);
            // heard until its last renewal R: dropped >= R + detection, purged >= R + detection + grace
            assertEquals(s.leaseMillis() + ClusterSettings.PURGE_MARGIN_MILLIS,
                    s.detectionSeconds() * 1000L + s.purgeGraceMillis(), "lease " + lease);
            assertTrue(s.detectionSeconds() * 1000L + s.renewalMillis() + 1_000 < s.leaseMillis() || lease < 7,
                    "a majority renews after the drop inside its lease: lease " + lease);
        }
    }

    @Test
    void aMemberLeftBelowMinMembersRefusesAtOnceAndFencesWhenItsLeaseRunsOut() throws Exception {
        List<String> addresses = FreePorts.loopbackMembers(2);
        String name = "timing-" + System.nanoTime();
        List<HazelcastInstance> members = new ArrayList<>();
        for (String address : addresses) {
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
            HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastMember.config(
                    new ClusterSettings(true, name, port, addresses, 15, 2), getClass().getClassLoader()));
            started.add(member);
            members.add(member);
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (members.get(0).getCluster().getMembers().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        ClusterSettings settings = new ClusterSettings(true, name, 5701, List.of("127.0.0.1:5701"), 15, 2);
        HazelcastLedger a = new HazelcastLedger(members.get(0), settings, ClusterEvents.NONE,
                ForkJoinPool.commonPool(), clock::get);
        assertTrue(a.claim("hana", "m1", 5).granted());
        LedgerHooks.renew(a, Map.of("hana", Set.of("m1")));
        assertFalse(a.tick(() -> Map.of("hana", Set.of("m1"))), "two of two members: nothing to fence");

        members.get(1).getLifecycleService().terminate();
        deadline = System.currentTimeMillis() + 30_000;
        while (members.get(0).getCluster().getMembers().size() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(a.tick(() -> Map.of("hana", Set.of("m1"))), "below min-members within its lease: no fence");
        assertFalse(a.isFenced());
        assertEquals("quota service unavailable: 1 of 2 cluster members", a.unavailable().orElseThrow(),
                "but it refuses at once");
        clock.addAndGet(settings.leaseMillis() + 1);
        assertTrue(a.tick(() -> Map.of("hana", Set.of("m1"))), "fences once its lease ran out without a renewal");
        assertTrue(a.isFenced());
        assertFalse(a.tick(Map::of), "fences once");
    }

    @Test
    void aMemberThatNeverHadMinMembersDoesNotFenceAtStartItOnlyRefuses() throws Exception {
        int port = FreePorts.of(1)[0];
        List<String> addresses = List.of("127.0.0.1:" + port, "127.0.0.1:" + FreePorts.of(1)[0]);
        ClusterSettings settings = new ClusterSettings(true, "alone-" + System.nanoTime(), port, addresses, 15, 2);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastMember.config(settings,
                getClass().getClassLoader()));
        started.add(member);
        HazelcastLedger a = new HazelcastLedger(member, settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                System::currentTimeMillis);
        assertFalse(a.tick(Map::of));
        assertFalse(a.isFenced());
        assertEquals("quota service unavailable: 1 of 2 cluster members", a.unavailable().orElseThrow());
    }

    @Test
    void aRenewalListedJustBeforeAClaimReturnedKeepsThatSlot() throws Exception {
        int port = FreePorts.of(1)[0];
        ClusterSettings settings = new ClusterSettings(true, "grant-" + System.nanoTime(), port,
                List.of("127.0.0.1:" + port), 15, 1);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastMember.config(settings,
                getClass().getClassLoader()));
        started.add(member);
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        HazelcastLedger a = new HazelcastLedger(member, settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                clock::get);
        assertTrue(a.claim("ida", "m1", 5).granted());
        // the caller has not kept manager m1 yet: the held list is empty, as in a renewal racing the admission
        assertEquals(Map.of("ida", Set.of("m1")), a.recentClaims());
        LedgerHooks.renew(a, Map.of());
        assertEquals(1, LedgerHooks.count(a, "ida"), "the just-granted slot survives the renewal");
        assertFalse(a.claim("ida", "m9", 1).granted());
        assertEquals(Map.of("ida", Set.of("m1")), a.recentClaims(), "a refused claim is not kept");
        clock.addAndGet(2 * settings.renewalMillis() + 1);
        assertEquals(Map.of(), a.recentClaims(), "two renewal rounds later only held managers count");
        LedgerHooks.renew(a, Map.of());
        assertEquals(0, LedgerHooks.count(a, "ida"), "and a slot nobody holds goes");
        assertTrue(a.claim("ida", "m2", 5).granted());
        a.release("ida", "m2");
        assertEquals(Map.of(), a.recentClaims(), "a released claim is not kept");
    }
}
