package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real WebSocket clients against ws://127.0.0.1:port/ws, and JMX from this JVM as JConsole would. */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GatewayIT extends ClientSideItBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("gateway");
    }

    @Test
    void fiveAreWelcomedThenTheSixthIsClosedWith1013() throws Exception {
        for (int i = 1; i <= 5; i++) {
            WsClient client = open("alice");
            assertEquals("welcome", client.welcomeField("type"));
            assertEquals("alice", client.welcomeField("user"));
            assertEquals(String.valueOf(i), client.welcomeField("active"));
            assertEquals("5", client.welcomeField("limit"));
            assertFalse(client.welcomeField("managerId").isBlank());
        }
        WsClient sixth = open("alice");
        WsClient.Answer answer = sixth.answer();
        assertFalse(answer.admitted());
        assertEquals(1013, answer.close().code());
        assertEquals("quota exceeded: 5/5 managers for alice", answer.close().reason());
        assertEquals("hello, echo", clients.get(0).echo("hello, echo"));
        assertEquals(5, countOf("alice"));
    }

    @Test
    void closingOneAdmitsTheNextAtOnce() {
        for (int i = 0; i < 5; i++) {
            open("alice");
        }
        clients.remove(0).close();
        WsClient next = open("alice");
        assertTrue(next.admitted(), "the slot given back by a close must be free for the next connection");
        assertEquals(5, countOf("alice"));
    }

    @Test
    void anotherUserIsUnaffectedByAUserAtQuota() throws Exception {
        for (int i = 0; i < 5; i++) {
            open("alice");
        }
        assertFalse(open("alice").admitted());
        WsClient bob = open("bob");
        assertEquals("1", bob.welcomeField("active"));
        assertEquals("bob's text", bob.echo("bob's text"));
        assertEquals(Map.of("alice", 5, "bob", 1), mxbean.getUserManagerCounts());
    }

    @Test
    void twentyRapidConnectCloseCyclesLeaveTheCountAtZero() {
        for (int i = 0; i < 20; i++) {
            try (WsClient client = WsClient.open("carol")) {
                assertEquals("1", client.welcomeField("active"), "cycle " + i + " starts from zero");
            }
        }
        Await.until("carol back to 0", Duration.ofSeconds(5), () -> countOf("carol"), n -> n == 0);
    }

    @Test
    void fiftySimultaneousConnectsForOneUserAdmitExactlyFive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WsClient>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                WsClient client = WsClient.connect("dave");
                clients.add(client);
                client.answer();
                return client;
            }));
        }
        start.countDown();
        int admitted = 0;
        int refused = 0;
        for (Future<WsClient> future : futures) {
            WsClient.Answer answer = future.get(60, TimeUnit.SECONDS).answer();
            if (answer.admitted()) {
                admitted++;
            } else {
                assertEquals(1013, answer.close().code());
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(5, admitted);
        assertEquals(45, refused);
        assertEquals(5, countOf("dave"));
    }

    @Test
    void unauthenticatedHandshakesAreRefusedWith401AndNeverCounted() {
        long admissions = mxbean.getAdmissions();
        HttpClient http = HttpClient.newHttpClient();
        CompletionException noCredentials = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                .buildAsync(WsClient.endpoint(), new WebSocket.Listener() { }).join());
        assertEquals(401, handshakeStatus(noCredentials));
        CompletionException wrongPassword = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                .header("Authorization", WsClient.basic("alice", "not-the-password"))
                .buildAsync(WsClient.endpoint(), new WebSocket.Listener() { }).join());
        assertEquals(401, handshakeStatus(wrongPassword));
        assertEquals(admissions, mxbean.getAdmissions());
        assertEquals(0, mxbean.getActiveManagers());
    }

    private static int handshakeStatus(CompletionException failure) {
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        return handshake.getResponse().statusCode();
    }

    @Test
    void aClientThatAbortsWithoutACloseFrameGetsItsSlotFreed() {
        WsClient aborted = open("bob");
        open("bob");
        assertEquals(2, countOf("bob"));
        aborted.abort();
        // By the error/close callback, or at the latest by the next cleanup run (2 s in tests).
        Await.until("the aborted slot freed", Duration.ofSeconds(10), () -> countOf("bob"), n -> n == 1);
    }

    @Test
    void listManagersShowsEachPeersOwnAddress() throws Exception {
        try (RawWs first = RawWs.handshake(RawWs.basicHandshake("dave", WsClient.PASSWORD));
             RawWs second = RawWs.handshake(RawWs.basicHandshake("dave", WsClient.PASSWORD))) {
            first.readText();
            second.readText();
            java.util.Set<String> shown = new java.util.HashSet<>();
            mxbean.listManagers("dave").forEach(row -> shown.add(row.remoteAddress()));
            assertEquals(java.util.Set.of("127.0.0.1:" + first.localPort(), "127.0.0.1:" + second.localPort()), shown);
        }
    }

    @Test
    void theMXBeanIsReadableAndWritableFromAnotherJvm() {
        open("carol");
        open("carol");
        assertEquals(Map.of("carol", 2), mxbean.getUserManagerCounts());
        assertEquals(2, mxbean.getActiveManagers());
        assertEquals(1, mxbean.getActiveUsers());

        mxbean.setMaxManagersPerUser(2);
        WsClient third = open("carol");
        assertEquals("quota exceeded: 2/2 managers for carol", third.answer().close().reason());
        assertTrue(mxbean.getLimitHits() >= 1);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> mxbean.setMaxManagersPerUser(0));
        assertEquals("MaxManagersPerUser must be between 1 and 1000000, was 0", refused.getMessage());
        assertNull(refused.getCause(), "no EE exception travels to the JMX client");
        assertEquals(2, mxbean.getMaxManagersPerUser(), "a refused write changes nothing");
    }
}
