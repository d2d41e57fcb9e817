package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ServerCloses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** enforceQuotas on two real members: each holds no more than the quota, together they hold more. */
class ClusterEnforceQuotasTest {

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @AfterEach
    void stop() {
        members.forEach(member -> member.getLifecycleService().terminate());
        scheduler.shutdownNow();
    }

    private record Node(ManagerRegistry registry, OperatorActions wide, HazelcastLedger ledger) {
    }

    private Node node(HazelcastInstance member, ClusterSettings settings, QuotaLimits limits) {
        HazelcastLedger ledger = new HazelcastLedger(member, settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                System::currentTimeMillis);
        ManagerRegistry registry = new ManagerRegistry(limits, clock::incrementAndGet, ledger);
        ServerCloses actions = registry.closes();
        OperatorActions wide = new OperatorActions(registry, actions,
                new ProbingAdmission(registry, scheduler, OnLimitPolicy.REJECT, 0, 200), ledger.managers(), null);
        return new Node(registry, wide, ledger);
    }

    @Test
    void theNewestExcessIsClosedWhereverItIsThoughNoNodeAloneIsAboveTheQuota() throws Exception {
        int[] ports = FreePorts.of(2);
        List<String> addresses = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        String name = "enforce-" + System.nanoTime();
        for (int port : ports) {
            members.add(Hazelcast.newHazelcastInstance(HazelcastMember.config(
                    new ClusterSettings(true, name, port, addresses, 15, 1), getClass().getClassLoader())));
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (members.get(0).getCluster().getMembers().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        ClusterSettings settings = new ClusterSettings(true, name, ports[0], addresses, 15, 1);
        QuotaLimits oneLimits = new QuotaLimits(5, 100);
        QuotaLimits twoLimits = new QuotaLimits(5, 100);
        Node one = node(members.get(0), settings, oneLimits);
        Node two = node(members.get(1), settings, twoLimits);

        List<FakeConnection> onOne = List.of(new FakeConnection(), new FakeConnection());
        List<FakeConnection> onTwo = List.of(new FakeConnection(), new FakeConnection(), new FakeConnection());
        assertTrue(one.registry().admit("alice", onOne.get(0)).isAdmitted());
        assertTrue(two.registry().admit("alice", onTwo.get(0)).isAdmitted());
        assertTrue(one.registry().admit("alice", onOne.get(1)).isAdmitted());
        assertTrue(two.registry().admit("alice", onTwo.get(1)).isAdmitted());
        assertTrue(two.registry().admit("alice", onTwo.get(2)).isAdmitted()); // the newest, on node two
        // As after a healed split: the quota is 3, node one holds 2 and node two 3, so no node alone is above it.
        oneLimits.setMaxPerUser(3);
        twoLimits.setMaxPerUser(3);
        assertEquals(Set.of("alice"), one.ledger().managers().usersAboveQuota(oneLimits::limitFor));

        assertEquals(2, one.wide().enforceQuotas(), "closes 5 - 3, counted across both nodes");
        assertEquals(CloseCodes.POLICY_VIOLATION, onTwo.get(2).closeCode, "the newest, on the other node");
        assertEquals(CloseCodes.POLICY_VIOLATION, onTwo.get(1).closeCode, "the second newest, also there");
        assertTrue(onOne.get(0).open && onOne.get(1).open && onTwo.get(0).open, "the three oldest stay");
        assertEquals(3, LedgerHooks.count(one.ledger(), "alice"));
        assertEquals(Set.of(), one.ledger().managers().usersAboveQuota(oneLimits::limitFor));
        assertEquals(0, two.wide().enforceQuotas(), "nothing left above the quota");
    }
}
