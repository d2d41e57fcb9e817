package dev.wsquota.it;

import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.util.List;

/**
 * The two-node cluster tests' frame: node 1 is the IT server with the subclass's archive (deployed by Arquillian
 * first), node 2 starts once for the class and stops after it. Every test begins with both members and ends
 * with no manager left anywhere; a test that kills or freezes node 2 calls {@link #node2Disturbed()}, and the next
 * test starts it again.
 */
abstract class ClusterItBase {

    static final SecondNode NODE2 = new SecondNode();
    private static final List<WsClient> CLIENTS = WsClient.newList();
    private static volatile boolean restartNode2;

    @BeforeAll
    static void startNode2() throws Exception {
        NODE2.start();
        ClusterNodes.awaitMembers(2);
    }

    @BeforeEach
    void bothNodesUp() throws Exception {
        if (restartNode2) {
            NODE2.restart();
            restartNode2 = false;
        }
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

    /** Node 2 will not be a healthy member after this test: the next one restarts it. */
    static void node2Disturbed() {
        restartNode2 = true;
    }

    /** A connection of {@code user} to node 1 (closed after the test). */
    static WsClient onNode1(String user) {
        return opened(WsClient.open(user));
    }

    /** A connection of {@code user} to node 2 (closed after the test). */
    static WsClient onNode2(String user) {
        return opened(WsClient.open(NODE2.endpoint(), user));
    }

    private static WsClient opened(WsClient client) {
        CLIENTS.add(client);
        return client;
    }
}
