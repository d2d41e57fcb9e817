package dev.wsquota.it;

import dev.wsquota.it.support.Api;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ClusterMXBean;
import dev.wsquota.quota.PushFrame;
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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application's messages across two Liberty nodes: to a user with managers on both, and a disconnect. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMessagesIT {

    private static final String NODE1 = "messages-node1";
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
                + "wsquota.cluster.lease-seconds=" + System.getProperty("clusterLeaseSeconds") + "\n";
        return Deployments.product("clustermessages")
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties");
    }

    @AfterAll
    static void stopNode2() throws Exception {
        WsClient.closeAll(CLIENTS);
        NODE2.stop();
    }

    private static WsClient open(java.net.URI endpoint, String user) {
        WsClient client = WsClient.open(endpoint, user);
        CLIENTS.add(client);
        client.welcome();
        return client;
    }

    private static String node1Port() {
        return System.getProperty("httpPort");
    }

    private static String node2Port() {
        return System.getProperty("node2HttpPort");
    }

    @Test
    @Order(1)
    void twoNodesFormOneCluster() throws Exception {
        deployer.deploy(NODE1);
        NODE2.start();
        try (JmxClient jmx = JmxClient.connect()) {
            ClusterMXBean cluster = JMX.newMXBeanProxy(jmx.connection(), new ObjectName("dev.wsquota:type=Cluster"),
                    ClusterMXBean.class);
            Await.until("two members", Duration.ofSeconds(60), cluster::getMemberCount, n -> n == 2);
        }
    }

    @Test
    @Order(2)
    void aMessageToAliceReachesHerManagersOnBothNodesAndOnlyTheNodesThatHoldThem() throws Exception {
        WsClient aliceHere = open(WsClient.endpoint(), "alice");
        WsClient aliceThere = open(NODE2.endpoint(), "alice");
        WsClient bobThere = open(NODE2.endpoint(), "bob");

        long t0 = System.nanoTime();
        HttpResponse<String> sent = Api.post(node1Port(), "/api/users/alice/messages", "publisher",
                "text/plain", "to alice everywhere".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long callMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals(2, Api.field(sent.body(), "delivered"), sent.body());
        assertEquals(2, Api.field(sent.body(), "nodes"), sent.body());
        assertEquals(0, Api.field(sent.body(), "unreachable"), sent.body());
        assertEquals(PushFrame.of("to alice everywhere"), aliceHere.nextMessage(10_000));
        assertEquals(PushFrame.of("to alice everywhere"), aliceThere.nextMessage(10_000));
        assertNull(bobThere.nextMessage(500), "bob gets nothing");

        HttpResponse<String> toBob = Api.post(node1Port(), "/api/users/bob/messages", "publisher", "text/plain",
                "bob only".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, Api.field(toBob.body(), "nodes"), "only the node holding bob's slot: " + toBob.body());
        assertEquals(PushFrame.of("bob only"), bobThere.nextMessage(10_000));

        HttpResponse<String> one = Api.post(node1Port(), "/api/managers/" + aliceThere.welcomeField("managerId")
                + "/messages", "publisher", "text/plain", "the one on node 2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(PushFrame.of("the one on node 2"), aliceThere.nextMessage(10_000));

        HttpResponse<String> all = Api.post(node2Port(), "/api/messages", "publisher", "text/plain",
                "all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3, Api.field(all.body(), "delivered"), all.body());
        assertEquals(2, Api.field(all.body(), "nodes"), all.body());
        System.out.println("cluster message to alice on 2 nodes: HTTP call " + callMillis + " ms; " + sent.body());

        HttpResponse<String> list = Api.get(node2Port(), "/api/users/alice/managers", "publisher");
        assertTrue(list.body().contains(aliceHere.welcomeField("managerId")), list.body());
        assertTrue(list.body().contains(aliceThere.welcomeField("managerId")), list.body());
    }

    @Test
    @Order(3)
    void deleteOnNodeOneClosesHerManagersOnNodeTwo() {
        WsClient there = open(NODE2.endpoint(), "carol");
        WsClient here = open(WsClient.endpoint(), "carol");
        HttpResponse<String> gone = Api.delete(node1Port(), "/api/users/carol/managers", "publisher");
        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(2, Api.field(gone.body(), "closed"), gone.body());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), there.awaitClose());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), here.awaitClose());
    }
}
