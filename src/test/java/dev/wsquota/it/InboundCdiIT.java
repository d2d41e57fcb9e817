package dev.wsquota.it;

import dev.wsquota.example.NotesApp;
import dev.wsquota.example.TestObservers;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.InboundConfig;
import dev.wsquota.it.support.InboundFrames;
import dev.wsquota.it.support.OpenClients;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.InboundAdmin;
import dev.wsquota.jmx.InboundMXBean;
import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client messages to CDI observers in the WAR ({@code wsquota.inbound.mode=cdi}): the example application, order,
 * a throwing observer, the in-flight bound, a slow observer beside another user, and lifecycle events with their
 * causes. Runs in the container, where the test observers' records can be read directly.
 */
@ExtendWith(ArquillianExtension.class)
class InboundCdiIT {

    private static final String ERROR_HANDLER_FAILED = "{\"type\":\"error\",\"reason\":\"handler failed\"}";
    private static final String ERROR_BUSY = "{\"type\":\"error\",\"reason\":\"too many messages in flight (16)\"}";

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("inbound-cdi")
                .addClasses(WsClient.class, WsClient.TextMessages.class, Await.class, RawWs.class, InboundFrames.class,
                        OpenClients.class,
                        NotesApp.class, TestObservers.class)
                .addAsLibrary(InboundConfig.jar("wsquota.inbound.mode=cdi\nwsquota.max-messages-per-second=100000\n"));
    }

    private final OpenClients clients = new OpenClients();
    private InboundMXBean inbound;
    private ManagerFactoryMXBean factory;

    @BeforeEach
    void proxies() {
        inbound = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), InboundAdmin.OBJECT_NAME,
                InboundMXBean.class);
        factory = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ManagerFactoryAdmin.OBJECT_NAME,
                ManagerFactoryMXBean.class);
    }

    @AfterEach
    void closeAll() {
        clients.closeAllAndAwaitNone(factory::getActiveManagers);
    }

    @Test
    void theModeIsCdi() {
        assertEquals("cdi", inbound.getMode());
        assertEquals(16, inbound.getMaxInFlightPerManager());
    }

    @Test
    void theExampleKeepsNotesPerUserAndGreetsTheirNextConnection() throws InterruptedException {
        WsClient dave = clients.open("dave");
        dave.send("note buy milk");
        assertEquals("noted 1", InboundFrames.nextText(dave));
        dave.send("note call bob");
        assertEquals("noted 2", InboundFrames.nextText(dave));
        dave.send("notes");
        assertEquals("buy milk\ncall bob", InboundFrames.nextText(dave));
        WsClient again = clients.open("dave");
        assertEquals("you have 2 notes", InboundFrames.nextText(again));
        WsClient carol = clients.open("carol");
        carol.send("notes");
        assertEquals("", InboundFrames.nextText(carol), "carol sees none of dave's notes");
    }

    @Test
    void oneThousandMessagesOfOneManagerAreHandledInOrder() throws InterruptedException {
        WsClient alice = clients.open("alice");
        long before = inbound.getMessagesIn();
        int window = 10; // below the in-flight bound of 16, so none is refused
        int sent = 0;
        List<String> replies = new ArrayList<>();
        while (replies.size() < 1_000) {
            while (sent < 1_000 && sent - replies.size() < window) {
                alice.send("echo:" + sent++);
            }
            replies.add(InboundFrames.nextText(alice));
        }
        for (int i = 0; i < 1_000; i++) {
            assertEquals(String.valueOf(i), replies.get(i), "reply " + i);
        }
        assertEquals(before + 1_000, inbound.getMessagesIn());
    }

    @Test
    void aThrowingObserverGetsAnErrorFrameIsCountedAndTheConnectionLives() throws InterruptedException {
        WsClient bob = clients.open("bob");
        long errors = inbound.getHandlerErrors();
        bob.send("boom");
        assertEquals(ERROR_HANDLER_FAILED, InboundFrames.next(bob));
        assertEquals(errors + 1, inbound.getHandlerErrors());
        bob.send("echo:still here");
        assertEquals("still here", InboundFrames.nextText(bob));
        assertTrue(!bob.isClosed());
    }

    @Test
    void overTheInFlightBoundMessagesAreRefusedAtOnceAndCounted() throws InterruptedException {
        WsClient carol = clients.open("carol");
        long busy = inbound.getBusyRefusals();
        carol.send("sleep:3000");
        for (int i = 0; i < 20; i++) {
            carol.send("echo:" + i);
        }
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 21 - 16 + 1 + 15; i++) {
            frames.add(InboundFrames.next(carol));
        }
        // Refused on the read thread while the sleep holds the lane: the five refusals come first.
        assertEquals(List.of(ERROR_BUSY, ERROR_BUSY, ERROR_BUSY, ERROR_BUSY, ERROR_BUSY), frames.subList(0, 5));
        assertEquals("slept", InboundFrames.text(frames.get(5)));
        for (int i = 0; i < 15; i++) {
            assertEquals(String.valueOf(i), InboundFrames.text(frames.get(6 + i)));
        }
        assertEquals(busy + 5, inbound.getBusyRefusals());
        Await.until("nothing in flight", Duration.ofSeconds(10), inbound::getInFlight, n -> n == 0);
    }

    @Test
    void aSlowObserverForOneUserDoesNotHoldAnotherUsersRoundTrips() throws InterruptedException {
        WsClient bob = clients.open("bob");
        long[] quiet = roundTrips(bob, 20);
        List<WsClient> alice = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WsClient one = clients.open("alice");
            one.send("sleep:5000"); // five executor threads held for 5 s
            alice.add(one);
        }
        long started = System.nanoTime();
        long[] busy = roundTrips(bob, 20);
        long took = (System.nanoTime() - started) / 1_000_000;
        System.out.println("bob's round trips (ms), alice quiet: " + Arrays.toString(quiet)
                + "; while five of alice's observers sleep: " + Arrays.toString(busy));
        assertTrue(took < 4_000, "bob's 20 round trips took " + took + " ms while alice's observers slept 5 s");
        for (WsClient one : alice) {
            assertEquals("slept", InboundFrames.nextText(one));
        }
    }

    private static long[] roundTrips(WsClient client, int count) throws InterruptedException {
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            client.send("echo:rt" + i);
            assertEquals("rt" + i, InboundFrames.nextText(client));
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        return millis;
    }

    @Test
    void lifecycleEventsComeOncePerManagerWithTheirCause() throws Exception {
        WsClient closing = clients.open("alice");
        WsClient second = clients.open("alice");
        String closingId = closing.welcomeField("managerId");
        String secondId = second.welcomeField("managerId");
        closing.close();
        clients.forget(closing);
        assertEquals(List.of("opened 1", "closed CLOSE"), awaitClosed(closingId));
        // ManagerOpened runs on the manager's lane after its welcome is sent: the client can be ahead of it.
        List<String> secondEvents = Await.until("the opened event of " + secondId, Duration.ofSeconds(20),
                () -> TestObservers.lifecycle(secondId), events -> !events.isEmpty());
        assertEquals(List.of("opened 2"), secondEvents, "the second saw the user's count");

        WsClient aborted = clients.open("bob");
        String abortedId = aborted.welcomeField("managerId");
        aborted.abort();
        clients.forget(aborted);
        List<String> abortEvents = awaitClosed(abortedId);
        assertEquals(2, abortEvents.size(), abortEvents.toString());
        assertTrue(abortEvents.get(1).equals("closed CLOSE") || abortEvents.get(1).equals("closed ERROR"),
                "an abort ends as the container reports it: " + abortEvents);

        WsClient operated = clients.open("carol");
        String operatedId = operated.welcomeField("managerId");
        factory.closeManager(operatedId);
        assertEquals(List.of("opened 1", "closed ADMIN"), awaitClosed(operatedId));
        assertEquals(1008, operated.awaitClose().code());

        String policy = factory.getOnLimitPolicy();
        factory.setOnLimitPolicy("evict-oldest");
        try {
            List<WsClient> dave = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                dave.add(clients.open("dave"));
            }
            String oldest = dave.get(0).welcomeField("managerId");
            assertEquals(List.of("opened 1", "closed EVICTED"), awaitClosed(oldest));
        } finally {
            factory.setOnLimitPolicy(policy);
        }

        Thread.sleep(200);
        assertEquals(List.of("opened 1", "closed CLOSE"), TestObservers.lifecycle(closingId), "still once");
        assertEquals(List.of("opened 1", "closed " + abortEvents.get(1).substring("closed ".length())),
                TestObservers.lifecycle(abortedId), "still once");
        assertEquals(List.of("opened 1", "closed ADMIN"), TestObservers.lifecycle(operatedId), "still once");
    }

    @Test
    void aManagerThatMissesItsPongsIsClosedWithPongTimeout() throws Exception {
        int interval = factory.getPingIntervalSeconds();
        int pongTimeout = factory.getPongTimeoutSeconds();
        try (RawWs silent = RawWs.handshake(RawWs.basicHandshake("alice", WsClient.PASSWORD))) {
            String welcome = silent.readText();
            String id = welcome.replaceAll(".*\"managerId\":\"([^\"]+)\".*", "$1");
            factory.setPongTimeoutSeconds(1);
            factory.setPingIntervalSeconds(1);
            // The raw client never reads again, so it never answers a ping.
            assertEquals(List.of("opened 1", "closed PONG_TIMEOUT"), awaitClosed(id));
        } finally {
            factory.setPingIntervalSeconds(interval);
            factory.setPongTimeoutSeconds(pongTimeout);
        }
    }

    @Test
    void aSilentManagerIsClosedWithIdle() {
        int interval = factory.getPingIntervalSeconds();
        int idle = factory.getIdleTimeoutSeconds();
        try {
            factory.setPingIntervalSeconds(0); // no pings, so no pongs count as traffic
            factory.setIdleTimeoutSeconds(2);
            WsClient silent = clients.open("dave");
            String id = silent.welcomeField("managerId");
            assertEquals(List.of("opened 1", "closed IDLE"), awaitClosed(id));
            assertEquals(1001, silent.awaitClose().code());
        } finally {
            factory.setIdleTimeoutSeconds(idle);
            factory.setPingIntervalSeconds(interval);
        }
    }

    @Test
    void aDrainClosesEveryManagerWithDrained() {
        WsClient first = clients.open("alice");
        WsClient second = clients.open("bob");
        String firstId = first.welcomeField("managerId");
        String secondId = second.welcomeField("managerId");
        try {
            factory.drain(1);
            assertEquals(List.of("opened 1", "closed DRAINED"), awaitClosed(firstId));
            assertEquals(List.of("opened 1", "closed DRAINED"), awaitClosed(secondId));
            assertEquals(1001, first.awaitClose().code());
            assertEquals(1001, second.awaitClose().code());
        } finally {
            factory.endDrain();
        }
    }

    private static List<String> awaitClosed(String managerId) {
        return Await.until("the closed event of " + managerId, Duration.ofSeconds(20),
                () -> TestObservers.lifecycle(managerId), events -> events.size() >= 2);
    }
}
