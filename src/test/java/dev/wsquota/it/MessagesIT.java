package dev.wsquota.it;

import dev.wsquota.ejb.UserMessages;
import dev.wsquota.it.support.Api;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.OpenClients;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.PushFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.inject.Inject;
import javax.management.NotificationListener;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application's messages to users: the CDI bean and the HTTP API, on one node. */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
class MessagesIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("messages").addClasses(WsClient.class, WsClient.Close.class, WsClient.Answer.class,
                Api.class, Await.class, OpenClients.class);
    }

    @Inject
    private UserMessages messages;

    private final OpenClients clients = new OpenClients();
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final NotificationListener listener = (notification, handback) -> audit.add(notification.getMessage());

    @BeforeEach
    void listen() throws Exception {
        ManagementFactory.getPlatformMBeanServer().addNotificationListener(ManagerFactoryAdmin.OBJECT_NAME, listener,
                null, null);
    }

    @AfterEach
    void closeClients() throws Exception {
        ManagementFactory.getPlatformMBeanServer().removeNotificationListener(ManagerFactoryAdmin.OBJECT_NAME,
                listener);
        clients.closeAll();
    }

    /** The audit records (the same text as the log lines) since the test started. */
    private String audited() {
        return String.join("\n", audit);
    }

    private static String port() {
        return System.getProperty("httpPort");
    }

    @Test
    void aMessageToAUserReachesHerThreeManagersAndOnlyThem() throws Exception {
        List<WsClient> alice = List.of(clients.open("alice"), clients.open("alice"), clients.open("alice"));
        WsClient bob = clients.open("bob");

        Delivery sent = messages.toUser("alice", "for alice \"only\"");

        assertEquals(new Delivery(3, 1, 0, 0), sent);
        for (WsClient client : alice) {
            assertEquals(PushFrame.of("for alice \"only\""), client.nextMessage(10_000));
        }
        assertEquals(new Delivery(1, 1, 0, 0), messages.toUser("bob", "for bob"));
        assertEquals(PushFrame.of("for bob"), bob.nextMessage(10_000), "bob's first message is his own");
        assertEquals(Delivery.NONE, messages.toUser("nobody-here", "x"));
    }

    @Test
    void oneManagerByIdAndEveryoneOverHttp() throws Exception {
        WsClient first = clients.open("carol");
        WsClient second = clients.open("carol");
        String id = second.welcomeField("managerId");

        HttpResponse<String> one = Api.post("/api/managers/" + id + "/messages", "publisher", "just you");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(1, Api.field(one.body(), "delivered"));
        assertEquals(1, Api.field(one.body(), "nodes"));
        assertEquals(0, Api.field(one.body(), "refused"));
        assertEquals(PushFrame.of("just you"), second.nextMessage(10_000));

        HttpResponse<String> all = Api.post("/api/messages", "publisher", "everyone");
        assertEquals(200, all.statusCode(), all.body());
        assertTrue(Api.field(all.body(), "delivered") >= 2, all.body());
        assertEquals(PushFrame.of("everyone"), first.nextMessage(10_000),
                "nothing before it: 'just you' was not for it");
        assertEquals(PushFrame.of("everyone"), second.nextMessage(10_000));
    }

    @Test
    void curlsFormBodyIsDeliveredAsItIsAndAUserWithoutManagersIs200() {
        WsClient dave = clients.open("dave");
        HttpResponse<String> sent = Api.post(port(), "/api/users/dave/messages", "publisher",
                "application/x-www-form-urlencoded", "a=1&b=%20".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, sent.statusCode(), sent.body());
        try {
            assertEquals(PushFrame.of("a=1&b=%20"), dave.nextMessage(10_000));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        HttpResponse<String> none = Api.post("/api/users/nobody-at-all/messages", "publisher", "hi");
        assertEquals(200, none.statusCode());
        assertEquals(0, Api.field(none.body(), "delivered"));
        assertEquals(0, Api.field(none.body(), "nodes"));
    }

    @Test
    void onlyPublishersMayCallAndEveryRefusalSendsNothing() throws Exception {
        WsClient alice = clients.open("alice");
        String id = alice.welcomeField("managerId");
        String path = "/api/users/alice/messages";
        byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);

        assertEquals(401, Api.post(port(), path, null, "text/plain", hi).statusCode());
        assertEquals(403, Api.post(port(), path, "alice", "text/plain", hi).statusCode());
        assertEquals(403, Api.get(port(), "/api/users/alice/managers", "bob").statusCode());
        assertEquals(415, Api.post(port(), path, "publisher", "application/json", hi).statusCode());
        assertEquals(415, Api.post(port(), path, "publisher", null, hi).statusCode());
        byte[] notUtf8 = {(byte) 0xC3, 0x28};
        assertEquals(415, Api.post(port(), path, "publisher", "text/plain", notUtf8).statusCode());
        assertEquals(413, Api.post(port(), path, "publisher", "text/plain",
                "x".repeat(65_537).getBytes(StandardCharsets.UTF_8))
                .statusCode());
        assertEquals(404, Api.post(port(), "/api/managers/no-such-id/messages", "publisher", "text/plain", hi)
                .statusCode());
        assertEquals(400, Api.post(port(), "/api/users/" + "u".repeat(257) + "/messages", "publisher", "text/plain", hi)
                .statusCode());
        assertNull(alice.nextMessage(500), "nothing was sent by a refused call");

        HttpResponse<String> exact = Api.post(port(), path, "publisher", "text/plain",
                "y".repeat(65_536).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, exact.statusCode(), "exactly the limit is accepted");
        String frame = alice.nextMessage(10_000);
        assertEquals(PushFrame.of("y".repeat(65_536)), frame);

        alice.close();
        Await.until("a closed manager's id is 404", Duration.ofSeconds(10),
                () -> Api.post(port(), "/api/managers/" + id + "/messages", "publisher", "text/plain", hi).statusCode(),
                status -> status == 404);
        Await.until("the audit record of a refused call", Duration.ofSeconds(10), this::audited,
                log -> log.contains("wsquota admin: POST /api/users/alice/messages: refused with 413"));
        Await.until("the audit record naming the caller", Duration.ofSeconds(10), this::audited,
                log -> log.contains("wsquota admin: POST /api/users/alice/messages: message of 65536 characters"
                        + " to alice {\"delivered\":1,\"nodes\":1,\"refused\":0,\"unreachable\":0} (by publisher)"));
    }

    @Test
    void listAndDisconnectAUsersManagers() throws Exception {
        WsClient one = clients.open("bob");
        WsClient two = clients.open("bob");

        HttpResponse<String> list = Api.get(port(), "/api/users/bob/managers", "publisher");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"managerId\":\"" + one.welcomeField("managerId") + "\""), list.body());
        assertTrue(list.body().contains("\"managerId\":\"" + two.welcomeField("managerId") + "\""), list.body());
        assertTrue(list.body().contains("\"node\":\"local\""), list.body());
        assertTrue(list.body().contains("\"openedAt\":\""), list.body());

        HttpResponse<String> gone = Api.delete(port(), "/api/users/bob/managers", "publisher");
        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(2, Api.field(gone.body(), "closed"));
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), one.awaitClose());
        assertEquals(new WsClient.Close(1008, "disconnected by an operator"), two.awaitClose());
        assertEquals("[]", Api.get(port(), "/api/users/bob/managers", "publisher").body());
    }

    @Test
    void messagesToOneManagerArriveInTheOrderSent() throws Exception {
        WsClient carol = clients.open("carol");
        String id = carol.welcomeField("managerId");
        for (int i = 0; i < 200; i++) {
            assertEquals(Optional.of(new Delivery(1, 1, 0, 0)), messages.toManager(id, "n" + i));
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(PushFrame.of("n" + i), carol.nextMessage(10_000));
        }
    }
}
