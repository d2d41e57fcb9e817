package dev.wsquota.it;

import dev.wsquota.it.support.Api;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.quota.PushFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application's messages across two Liberty nodes: to a user with managers on both, and a disconnect. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterMessagesIT {

    private static final SecondNode NODE2 = new SecondNode();
    private static final List<WsClient> CLIENTS = WsClient.newList();
    private static final String NODE1_PORT = System.getProperty("httpPort");
    private static final String NODE2_PORT = System.getProperty("node2HttpPort");

    @Deployment(testable = false)
    static WebArchive node1() throws IOException {
        return ClusterNodes.nodeOne("clustermessages");
    }

    @BeforeAll
    static void startNode2() throws Exception {
        NODE2.start();
        ClusterNodes.awaitMembers(2);
    }

    @AfterEach
    void closeClients() throws IOException {
        WsClient.closeAll(CLIENTS);
        ClusterNodes.awaitNoManagers();
    }

    @AfterAll
    static void stopNode2() throws Exception {
        NODE2.stop();
    }

    private static WsClient open(URI endpoint, String user) {
        WsClient client = WsClient.open(endpoint, user);
        CLIENTS.add(client);
        client.welcome();
        return client;
    }

    private static HttpResponse<String> post(String port, String path, String text) {
        return Api.post(port, path, "publisher", "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMessageToAUserReachesHerManagersOnBothNodesAndNobodyElse() throws Exception {
        WsClient aliceHere = open(WsClient.endpoint(), "alice");
        WsClient aliceThere = open(NODE2.endpoint(), "alice");
        WsClient bobThere = open(NODE2.endpoint(), "bob");

        long t0 = System.nanoTime();
        HttpResponse<String> sent = post(NODE1_PORT, "/api/users/alice/messages", "to alice everywhere");
        long callMillis = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals(2, Api.field(sent.body(), "delivered"), sent.body());
        assertEquals(2, Api.field(sent.body(), "nodes"), sent.body());
        assertEquals(0, Api.field(sent.body(), "unreachable"), sent.body());
        assertEquals(PushFrame.of("to alice everywhere"), aliceHere.nextMessage(10_000));
        assertEquals(PushFrame.of("to alice everywhere"), aliceThere.nextMessage(10_000));
        assertNull(bobThere.nextMessage(500), "bob gets nothing");
        System.out.println("cluster message to alice on 2 nodes: HTTP call " + callMillis + " ms; " + sent.body());
    }

    @Test
    void aMessageToAUserGoesOnlyToTheNodesThatHoldHerSlots() throws Exception {
        open(WsClient.endpoint(), "alice");
        WsClient bobThere = open(NODE2.endpoint(), "bob");

        HttpResponse<String> toBob = post(NODE1_PORT, "/api/users/bob/messages", "bob only");

        assertEquals(1, Api.field(toBob.body(), "nodes"), "only the node holding bob's slot: " + toBob.body());
        assertEquals(PushFrame.of("bob only"), bobThere.nextMessage(10_000));
    }

    @Test
    void aMessageToOneManagerReachesItOnTheOtherNode() throws Exception {
        WsClient there = open(NODE2.endpoint(), "carol");

        HttpResponse<String> one = post(NODE1_PORT, "/api/managers/" + there.welcomeField("managerId")
                + "/messages", "the one on node 2");

        assertEquals(200, one.statusCode(), one.body());
        assertEquals(PushFrame.of("the one on node 2"), there.nextMessage(10_000));
    }

    @Test
    void aBroadcastReachesEveryManagerOnEveryNode() throws Exception {
        WsClient here = open(WsClient.endpoint(), "alice");
        WsClient there = open(NODE2.endpoint(), "alice");
        WsClient other = open(NODE2.endpoint(), "bob");

        HttpResponse<String> all = post(NODE2_PORT, "/api/messages", "all");

        assertEquals(3, Api.field(all.body(), "delivered"), all.body());
        assertEquals(2, Api.field(all.body(), "nodes"), all.body());
        for (WsClient client : List.of(here, there, other)) {
            assertEquals(PushFrame.of("all"), client.nextMessage(10_000));
        }
    }

    @Test
    void eitherNodeListsAUsersManagersOnBothNodes() {
        WsClient here = open(WsClient.endpoint(), "dave");
        WsClient there = open(NODE2.endpoint(), "dave");

        HttpResponse<String> list = Api.get(NODE2_PORT, "/api/users/dave/managers", "publisher");

        assertTrue(list.body().contains(here.welcomeField("managerId")), list.body());
        assertTrue(list.body().contains(there.welcomeField("managerId")), list.body());
    }

    @Test
    void deleteOnNodeOneClosesHerManagersOnNodeTwo() {
        WsClient there = open(NODE2.endpoint(), "carol");
        WsClient here = open(WsClient.endpoint(), "carol");

        HttpResponse<String> gone = Api.delete(NODE1_PORT, "/api/users/carol/managers", "publisher");

        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(2, Api.field(gone.body(), "closed"), gone.body());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), there.awaitClose());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), here.awaitClose());
    }
}
