package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ClusterMXBean;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real Liberty servers sharing one quota through embedded Hazelcast: node 1 is the IT server with this
 * test's archive (the product in cluster mode), node 2 a second server ({@link ClusterItBase}). The quota is 5 per
 * user across both.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterIT extends ClusterItBase {

    @Deployment(testable = false)
    static WebArchive node1() throws IOException {
        return ClusterNodes.nodeOne("cluster");
    }

    /** Opens {@code onTwo} connections of {@code user} on node 2, then {@code onOne} on node 1, all admitted. */
    private static List<WsClient> holdQuota(String user, int onTwo, int onOne) {
        List<WsClient> held = new ArrayList<>();
        for (int i = 0; i < onTwo; i++) {
            held.add(onNode2(user));
        }
        for (int i = 0; i < onOne; i++) {
            held.add(onNode1(user));
        }
        for (WsClient client : held) {
            assertTrue(client.admitted(), "admitted below the quota: " + client.answer());
        }
        return held;
    }

    @Test
    void theClusterMXBeanShowsTheClusterAndItsLease() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            ClusterMXBean cluster = ClusterNodes.mxBean(jmx);
            assertTrue(cluster.isEnabled());
            assertEquals(2, cluster.getMemberCount());
            assertEquals(ClusterNodes.LEASE_SECONDS, cluster.getLeaseSeconds());
        }
    }

    @Test
    void aSimultaneousStormOnBothNodesAdmitsExactlyTheQuota() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Callable<WsClient>> connects = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                boolean first = i % 2 == 0;
                connects.add(() -> first ? onNode1("alice") : onNode2("alice"));
            }
            List<WsClient> storm = new ArrayList<>();
            for (Future<WsClient> connect : pool.invokeAll(connects)) {
                storm.add(connect.get());
            }
            assertEquals(5, storm.stream().filter(client -> client.answer().admitted()).count());
            storm.stream().filter(client -> !client.answer().admitted()).forEach(client -> {
                assertEquals(1013, client.answer().close().code());
                assertEquals("quota exceeded: 5/5 managers for alice", client.answer().close().reason());
            });
            try (JmxClient jmx = JmxClient.connect()) {
                assertEquals(5, ClusterNodes.mxBean(jmx).getUserManagerCounts().get("alice"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCloseOnOneNodeFreesASlotOnTheOtherAtOnce() {
        List<WsClient> held = holdQuota("bob", 3, 2);
        assertEquals(1013, onNode1("bob").answer().close().code(), "bob holds his quota across the cluster");

        held.get(0).close();

        WsClient taken = Await.until("a slot freed on node 2 usable on node 1", Duration.ofSeconds(3),
                () -> onNode1("bob"), client -> client.answer().admitted());
        assertEquals("5", taken.welcomeField("active"), "the welcome counts the user across the cluster");
    }

    @Test
    void theOperatorOnOneNodeListsTheUsersManagersOnEveryNode() throws Exception {
        List<WsClient> held = holdQuota("alice", 3, 1);
        try (JmxClient jmx = JmxClient.connect()) {
            List<String> listed = jmx.factory().listManagers("alice").stream().map(ManagerRow::managerId).toList();
            List<String> ids = held.stream().map(client -> client.welcomeField("managerId")).toList();
            assertEquals(ids.stream().sorted().toList(), listed.stream().sorted().toList(),
                    "node 1 lists alice's managers on both nodes");
        }
    }

    @Test
    void theOperatorOnOneNodeClosesOneManagerOnTheOther() throws Exception {
        List<WsClient> held = holdQuota("bob", 2, 0);
        String id = held.get(1).welcomeField("managerId");
        try (JmxClient jmx = JmxClient.connect()) {
            String closed = jmx.factory().closeManager(id);
            assertTrue(closed.contains(id), closed);
        }
        assertEquals(new WsClient.Close(1008, "closed by an operator"), held.get(1).awaitClose());
        assertFalse(held.get(0).isClosed(), "the user's other manager stays open");
    }

    @Test
    void theOperatorOnOneNodeDisconnectsTheUserOnEveryNode() throws Exception {
        List<WsClient> held = holdQuota("carol", 2, 1);
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            assertEquals(3, factory.disconnectUser("carol"), "one on node 1 and two on node 2");
            for (WsClient client : held) {
                assertEquals(1008, client.awaitClose().code());
            }
            assertEquals(List.of(), factory.listManagers("carol"));
        }
    }

    @Test
    void evictOldestOnOneNodeReplacesTheUsersOldestManagerOnTheOther() throws Exception {
        List<WsClient> held = holdQuota("dave", 3, 2);
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            factory.setOnLimitPolicy("evict-oldest");
            try {
                WsClient newest = onNode1("dave");
                assertTrue(newest.admitted(), "admitted by evicting the oldest manager, held on node 2");
                assertEquals(new WsClient.Close(4001, "replaced by a newer connection"), held.get(0).awaitClose());
                assertEquals("5", newest.welcomeField("active"));
            } finally {
                factory.setOnLimitPolicy("reject");
            }
        }
    }

    @Test
    void aKilledNodesSlotsFreeWithinTheLease() throws Exception {
        holdQuota("carol", 3, 2);
        assertEquals(1013, onNode1("carol").answer().close().code());
        long killed = System.nanoTime();
        node2Disturbed();
        NODE2.signal("KILL");
        Duration withinTheLease = Duration.ofSeconds(ClusterNodes.LEASE_SECONDS + 10L);
        Await.until("carol admitted on node 1 after node 2 died", withinTheLease, () -> onNode1("carol"),
                client -> client.answer().admitted());
        long freedMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("ClusterIT: slots of a kill -9'd node freed on the survivor after " + freedMillis + " ms");
        assertTrue(freedMillis < (ClusterNodes.LEASE_SECONDS + 3) * 1000L, "freed after " + freedMillis + " ms");
    }

    @Test
    void aFrozenNodeFencesItselfAndTheUserNeverHoldsMoreThanTheQuota() throws Exception {
        List<WsClient> onTwo = holdQuota("dave", 3, 0);
        List<WsClient> onOne = new ArrayList<>(holdQuota("dave", 0, 2));
        node2Disturbed();
        NODE2.signal("STOP");
        try {
            // Node 1 drops the frozen node after a lease without heartbeats and frees its three slots.
            Duration afterTheLease = Duration.ofSeconds(ClusterNodes.LEASE_SECONDS + 15L);
            Await.until("dave's slots on the frozen node freed", afterTheLease, () -> {
                WsClient client = onNode1("dave");
                if (client.answer().admitted()) {
                    onOne.add(client);
                }
                return onOne.size();
            }, n -> n >= 3);
            // The frozen node's three slots go by the purge at once, or one by one as their leases end.
            while (onOne.size() < 5) {
                onOne.add(Await.until("node 1 admits up to the quota once node 2 is gone", Duration.ofSeconds(5),
                        () -> onNode1("dave"), client -> client.answer().admitted()));
            }
            Thread.sleep(2_000); // frozen for longer than the lease
        } finally {
            NODE2.signal("CONT");
        }
        Thread.sleep(2_000); // the bound the fencing promises: 2 s after the node resumes
        List<WsClient> all = new ArrayList<>(onOne);
        all.addAll(onTwo);
        long open = all.stream().filter(client -> client.answer().admitted() && !client.isClosed()).count();
        assertTrue(open <= 5, "open welcomed connections of dave across both nodes: " + open);
        for (WsClient fenced : onTwo) {
            WsClient.Close close = fenced.awaitClose();
            assertEquals(1001, close.code(), "closed by the fenced node: " + close);
            assertEquals("lost contact with the cluster", close.reason());
        }
    }
}
