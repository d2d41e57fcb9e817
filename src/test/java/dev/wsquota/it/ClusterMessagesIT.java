package dev.wsquota.it;

import dev.wsquota.it.support.Api;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.quota.PushFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application's messages across two Liberty nodes: to a user with managers on both, and a disconnect. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterMessagesIT extends ClusterItBase {

    private static final String NODE1_PORT = System.getProperty("httpPort");
    private static final String NODE2_PORT = System.getProperty("node2HttpPort");

    @Deployment(testable = false)
    static WebArchive node1() throws IOException {
        return ClusterNodes.nodeOne("clustermessages");
    }

    private static WsClient welcomed(WsClient client) {
        client.welcome();
        return client;
    }

    private static HttpResponse<String> post(String port, String path, String text) {
        return Api.post(port, path, "publisher", "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMessageToAUserReachesHerManagersOnBothNodesAndNobodyElse() throws Exception {
        WsClient aliceHere = welcomed(onNode1("alice"));
        WsClient aliceThere = welcomed(onNode2("alice"));
        WsClient bobThere = welcomed(onNode2("bob"));

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
        welcomed(onNode1("alice"));
        WsClient bobThere = welcomed(onNode2("bob"));

        HttpResponse<String> toBob = post(NODE1_PORT, "/api/users/bob/messages", "bob only");

        assertEquals(1, Api.field(toBob.body(), "nodes"), "only the node holding bob's slot: " + toBob.body());
        assertEquals(PushFrame.of("bob only"), bobThere.nextMessage(10_000));
    }

    @Test
    void aMessageToOneManagerReachesItOnTheOtherNode() throws Exception {
        WsClient there = welcomed(onNode2("carol"));

        HttpResponse<String> one = post(NODE1_PORT, "/api/managers/" + there.welcomeField("managerId")
                + "/messages", "the one on node 2");

        assertEquals(200, one.statusCode(), one.body());
        assertEquals(PushFrame.of("the one on node 2"), there.nextMessage(10_000));
    }

    @Test
    void aBroadcastReachesEveryManagerOnEveryNode() throws Exception {
        WsClient here = welcomed(onNode1("alice"));
        WsClient there = welcomed(onNode2("alice"));
        WsClient other = welcomed(onNode2("bob"));

        HttpResponse<String> all = post(NODE2_PORT, "/api/messages", "all");

        assertEquals(3, Api.field(all.body(), "delivered"), all.body());
        assertEquals(2, Api.field(all.body(), "nodes"), all.body());
        for (WsClient client : List.of(here, there, other)) {
            assertEquals(PushFrame.of("all"), client.nextMessage(10_000));
        }
    }

    @Test
    void eitherNodeListsAUsersManagersOnBothNodes() {
        WsClient here = welcomed(onNode1("dave"));
        WsClient there = welcomed(onNode2("dave"));

        HttpResponse<String> list = Api.get(NODE2_PORT, "/api/users/dave/managers", "publisher");

        assertTrue(list.body().contains(here.welcomeField("managerId")), list.body());
        assertTrue(list.body().contains(there.welcomeField("managerId")), list.body());
    }

    @Test
    void deleteOnNodeOneClosesHerManagersOnNodeTwo() {
        WsClient there = welcomed(onNode2("carol"));
        WsClient here = welcomed(onNode1("carol"));

        HttpResponse<String> gone = Api.delete(NODE1_PORT, "/api/users/carol/managers", "publisher");

        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(2, Api.field(gone.body(), "closed"), gone.body());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), there.awaitClose());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), here.awaitClose());
    }
}
