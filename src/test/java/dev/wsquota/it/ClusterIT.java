package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ClusterMXBean;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import javax.management.ObjectName;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real Liberty servers sharing one quota through embedded Hazelcast: node 1 is the IT server with this
 * test's archive (the product in cluster mode), node 2 a second server the test starts, kills and freezes.
 * The quota is 5 per user across both.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String NODE1 = "cluster-node1";
    private static final int LEASE_SECONDS = Integer.getInteger("clusterLeaseSeconds");
    private static final SecondNode NODE2 = new SecondNode();
    private static final List<WsClient> CLIENTS = WsClient.newList();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = NODE1, managed = false, testable = false)
    static WebArchive node1() throws IOException {
        String config = Files.readString(new File("src/main/resources/META-INF/microprofile-config.properties").toPath())
                + "\nwsquota.cluster=hazelcast\n"
                + "wsquota.cluster.name=" + System.getProperty("clusterName") + "\n"
                + "wsquota.cluster.port=" + System.getProperty("clusterPort1") + "\n"
                + "wsquota.cluster.members=127.0.0.1:" + System.getProperty("clusterPort1") + ",127.0.0.1:"
                + System.getProperty("clusterPort2") + "\n"
                + "wsquota.cluster.lease-seconds=" + LEASE_SECONDS + "\n";
        return Deployments.product("cluster")
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties");
    }

    @AfterAll
    static void stopNode2() throws Exception {
        WsClient.closeAll(CLIENTS);
        NODE2.stop();
    }

    private static ClusterMXBean cluster(JmxClient jmx) throws IOException {
        try {
            return JMX.newMXBeanProxy(jmx.connection(), new ObjectName("dev.wsquota:type=Cluster"), ClusterMXBean.class);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    private static WsClient onNode1(String user) {
        WsClient client = WsClient.open(user);
        CLIENTS.add(client);
        return client;
    }

    private static WsClient onNode2(String user) {
        WsClient client = WsClient.open(NODE2.endpoint(), user);
        CLIENTS.add(client);
        return client;
    }

    private static long openWelcomed(List<WsClient> clients) {
        return clients.stream().filter(client -> client.answer().admitted() && !client.isClosed()).count();
    }

    @Test
    @Order(1)
    void twoNodesFormOneCluster() throws Exception {
        deployer.deploy(NODE1);
        NODE2.start();
        try (JmxClient jmx = JmxClient.connect()) {
            ClusterMXBean cluster = cluster(jmx);
            Await.until("two members", Duration.ofSeconds(60), cluster::getMemberCount, n -> n == 2);
            assertTrue(cluster.isEnabled());
            assertEquals(LEASE_SECONDS, cluster.getLeaseSeconds());
        }
    }

    @Test
    @Order(2)
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
                assertEquals(5, cluster(jmx).getUserManagerCounts().get("alice"));
            }
        } finally {
            pool.shutdownNow();
            WsClient.closeAll(CLIENTS);
        }
    }

    @Test
    @Order(3)
    void aCloseOnOneNodeFreesASlotOnTheOtherAtOnce() throws Exception {
        List<WsClient> onTwo = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onTwo.add(onNode2("bob"));
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(onNode1("bob").admitted());
        }
        assertEquals("3", onTwo.get(2).welcomeField("active"));
        WsClient refused = onNode1("bob");
        assertEquals(1013, refused.answer().close().code());
        onTwo.get(0).close();
        WsClient taken = Await.until("a slot freed on node 2 usable on node 1", Duration.ofSeconds(3),
                () -> onNode1("bob"), client -> client.answer().admitted());
        assertEquals("5", taken.welcomeField("active"), "the welcome counts the user across the cluster");
        WsClient.closeAll(CLIENTS);
    }

    @Test
    @Order(4)
    void theOperatorOnOneNodeSeesAndClosesTheUsersManagersOnEveryNode() throws Exception {
        List<WsClient> onTwo = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onTwo.add(onNode2("alice"));
        }
        WsClient onOne = onNode1("alice");
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            List<String> ids = factory.listManagers("alice").stream().map(ManagerRow::managerId).toList();
            assertEquals(4, ids.size(), "node 1 lists alice's managers on both nodes: " + ids);
            assertTrue(ids.contains(onTwo.get(0).welcomeField("managerId")));
            String closed = factory.closeManager(onTwo.get(1).welcomeField("managerId"));
            assertTrue(closed.contains(onTwo.get(1).welcomeField("managerId")), closed);
            assertEquals(new WsClient.Close(1008, "closed by an operator"), onTwo.get(1).awaitClose());
            assertEquals(3, factory.disconnectUser("alice"), "one on node 1 and the two left on node 2");
            for (WsClient client : List.of(onOne, onTwo.get(0), onTwo.get(2))) {
                assertEquals(1008, client.awaitClose().code());
            }
            assertEquals(List.of(), factory.listManagers("alice"));
        }
        WsClient.closeAll(CLIENTS);
    }

    @Test
    @Order(5)
    void evictOldestOnOneNodeReplacesTheUsersOldestManagerOnTheOther() throws Exception {
        List<WsClient> onTwo = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onTwo.add(onNode2("bob"));
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(onNode1("bob").admitted());
        }
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            factory.setOnLimitPolicy("evict-oldest");
            try {
                WsClient newest = onNode1("bob");
                assertTrue(newest.admitted(), "admitted by evicting the oldest manager, held on node 2");
                assertEquals(new WsClient.Close(4001, "replaced by a newer connection"), onTwo.get(0).awaitClose());
                assertEquals("5", newest.welcomeField("active"));
            } finally {
                factory.setOnLimitPolicy("reject");
            }
        }
        WsClient.closeAll(CLIENTS);
    }

    @Test
    @Order(6)
    void aKilledNodesSlotsFreeWithinTheLease() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertTrue(onNode2("carol").admitted());
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(onNode1("carol").admitted());
        }
        assertEquals(1013, onNode1("carol").answer().close().code());
        long killed = System.nanoTime();
        NODE2.signal("KILL");
        Await.until("carol admitted on node 1 after node 2 died", Duration.ofSeconds(LEASE_SECONDS + 10L),
                () -> onNode1("carol"), client -> client.answer().admitted());
        long freedMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("ClusterIT: slots of a kill -9'd node freed on the survivor after " + freedMillis + " ms");
        assertTrue(freedMillis < (LEASE_SECONDS + 3) * 1000L, "freed after " + freedMillis + " ms");
        NODE2.awaitGone();
        WsClient.closeAll(CLIENTS);
    }

    @Test
    @Order(7)
    void aFrozenNodeFencesItselfAndTheUserNeverHoldsMoreThanTheQuota() throws Exception {
        NODE2.start();
        try (JmxClient jmx = JmxClient.connect()) {
            Await.until("two members again", Duration.ofSeconds(60), cluster(jmx)::getMemberCount, n -> n == 2);
        }
        List<WsClient> onTwo = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WsClient client = onNode2("dave");
            assertTrue(client.admitted());
            onTwo.add(client);
        }
        List<WsClient> onOne = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            onOne.add(onNode1("dave"));
            assertTrue(onOne.get(i).admitted());
        }
        NODE2.signal("STOP");
        try {
            // Node 1 drops the frozen node after a lease without heartbeats and frees its three slots.
            Await.until("dave's slots on the frozen node freed", Duration.ofSeconds(LEASE_SECONDS + 15L), () -> {
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
        Thread.sleep(2_000); // the bound: 2 s after resume
        List<WsClient> all = new ArrayList<>(onOne);
        all.addAll(onTwo);
        long open = openWelcomed(all);
        assertTrue(open <= 5, "open welcomed connections of dave across both nodes: " + open);
        for (WsClient fenced : onTwo) {
            WsClient.Close close = fenced.awaitClose();
            assertEquals(1001, close.code(), "closed by the fenced node: " + close);
            assertEquals("lost contact with the cluster", close.reason());
        }
        WsClient.closeAll(CLIENTS);
    }

    @Test
    @Order(8)
    void undeployLeavesNoHazelcastThread() throws Exception {
        deployer.undeploy(NODE1);
        try (JmxClient jmx = JmxClient.connect()) {
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx.connection(),
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            List<String> left = Await.until("no Hazelcast thread on node 1", Duration.ofSeconds(15), () ->
                    Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(info -> info != null)
                            .map(ThreadInfo::getThreadName).filter(name -> name.startsWith("hz.")).toList(),
                    List::isEmpty);
            assertTrue(left.isEmpty());
        }
    }
}
