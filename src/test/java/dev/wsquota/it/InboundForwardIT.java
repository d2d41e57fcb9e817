package dev.wsquota.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.InboundConfig;
import dev.wsquota.it.support.InboundFrames;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.OpenClients;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.InboundAdmin;
import dev.wsquota.jmx.InboundMXBean;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client messages POSTed to a backend ({@code wsquota.inbound.mode=forward}): a JDK HttpServer in the test JVM on
 * 127.0.0.1 answers by the text it gets. Replies, a 500, a timeout, a late 2xx, a refused connection, the secret
 * header, lifecycle posts, and a hanging backend call of one user beside another user's round trips.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InboundForwardIT {

    private static final int TIMEOUT_MILLIS = 1_500;
    private static final String SECRET = "it-secret";
    private static final String TIMED_OUT = "{\"type\":\"error\",\"reason\":\"backend timed out after " + TIMEOUT_MILLIS
            + " ms\"}";

    private static Backend backend;
    private static JmxClient jmx;
    private static InboundMXBean inbound;
    private static ManagerFactoryMXBean factory;
    private final OpenClients clients = new OpenClients();

    @Deployment(testable = false)
    static WebArchive deployment() {
        backend = Backend.start();
        return Deployments.product("inbound-forward").addAsLibrary(InboundConfig.jar(
                "wsquota.inbound.mode=forward\n"
                        + "wsquota.inbound.forward-url=http://127.0.0.1:" + backend.port() + "/hook\n"
                        + "wsquota.inbound.forward-timeout-millis=" + TIMEOUT_MILLIS + "\n"
                        + "wsquota.inbound.forward-secret=" + SECRET + "\n"
                        + "wsquota.inbound.forward-lifecycle=true\n"
                        + "wsquota.max-messages-per-second=100000\n"));
    }

    @BeforeAll
    static void connectJmx() throws IOException {
        jmx = JmxClient.connect();
        factory = jmx.factory();
        inbound = JMX.newMXBeanProxy(jmx.connection(), InboundAdmin.OBJECT_NAME, InboundMXBean.class);
    }

    @AfterAll
    static void stop() throws IOException {
        jmx.close();
        backend.stop();
    }

    @AfterEach
    void closeAll() {
        clients.closeAllAndAwaitNone(factory::getActiveManagers);
    }

    @Test
    void aTwoHundredBodyIsTheReplyAndTheBackendGetsTheDocumentedPost() throws InterruptedException {
        assertEquals("forward", inbound.getMode());
        WsClient alice = clients.open("alice");
        String id = alice.welcomeField("managerId");
        long before = inbound.getMessagesIn();
        alice.send("hello");
        assertEquals("backend: hello", InboundFrames.nextText(alice));
        assertEquals(before + 1, inbound.getMessagesIn());
        assertTrue(backend.bodies.contains("{\"event\":\"message\",\"user\":\"alice\",\"managerId\":\"" + id
                + "\",\"data\":\"hello\"}"), backend.bodies.toString());
        assertTrue(backend.bodies.contains("{\"event\":\"opened\",\"user\":\"alice\",\"managerId\":\"" + id
                + "\",\"active\":1}"), backend.bodies.toString());
        assertFalse(backend.secrets.isEmpty());
        assertTrue(backend.secrets.stream().allMatch(SECRET::equals), backend.secrets.toString());
        alice.close();
        clients.forget(alice);
        String closed = "{\"event\":\"closed\",\"user\":\"alice\",\"managerId\":\"" + id + "\",\"cause\":\"CLOSE\"}";
        Await.until("the closed post", Duration.ofSeconds(15), () -> backend.bodies.contains(closed), found -> found);
    }

    @Test
    void aFiveHundredIsAnErrorFrameWithoutTheBackendsBody() throws InterruptedException {
        WsClient bob = clients.open("bob");
        long failures = inbound.getForwardFailures();
        bob.send("fail");
        assertEquals("{\"type\":\"error\",\"reason\":\"backend answered 500\"}", InboundFrames.next(bob));
        assertEquals(failures + 1, inbound.getForwardFailures());
        bob.send("still there");
        assertEquals("backend: still there", InboundFrames.nextText(bob));
    }

    @Test
    void aTimeoutIsAnErrorFrameAndALateTwoHundredIsDroppedAndCounted() throws InterruptedException {
        WsClient carol = clients.open("carol");
        long timeouts = inbound.getForwardTimeouts();
        long late = inbound.getForwardLateReplies();
        carol.send("slow");
        assertEquals(TIMED_OUT, InboundFrames.next(carol));
        carol.send("after");
        assertEquals("backend: after", InboundFrames.nextText(carol), "the late answer never reaches the client");
        assertEquals(timeouts + 1, inbound.getForwardTimeouts());
        Await.until("the late 2xx counted", Duration.ofSeconds(15), inbound::getForwardLateReplies, n -> n == late + 1);
    }

    @Test
    void aHangingBackendCallOfOneUserDoesNotStallAnother() throws InterruptedException {
        WsClient dave = clients.open("dave");
        dave.send("warm up");
        assertEquals("backend: warm up", InboundFrames.nextText(dave));
        List<WsClient> alice = List.of(clients.open("alice"), clients.open("alice"), clients.open("alice"));
        for (WsClient one : alice) {
            one.send("hang");
        }
        Await.until("alice's three calls hanging", Duration.ofSeconds(10), backend.hanging::get, n -> n == 3);
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            dave.send("rt" + i);
            assertEquals("backend: rt" + i, InboundFrames.nextText(dave));
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
        }
        System.out.println("dave's slowest of 20 forward round trips while alice's 3 calls hang: " + slowest + " ms");
        assertTrue(slowest < TIMEOUT_MILLIS, "dave waited " + slowest + " ms: as long as alice's timeout");
        for (WsClient one : alice) {
            assertEquals(TIMED_OUT, InboundFrames.next(one));
        }
        backend.release();
    }

    @Test
    void anOperatorsCloseIsForwardedAsClosedAdmin() {
        WsClient carol = clients.open("carol");
        String id = carol.welcomeField("managerId");
        factory.closeManager(id);
        assertEquals(1008, carol.awaitClose().code());
        clients.forget(carol);
        String closed = "{\"event\":\"closed\",\"user\":\"carol\",\"managerId\":\"" + id + "\",\"cause\":\"ADMIN\"}";
        Await.until("the closed post", Duration.ofSeconds(15), () -> backend.bodies.contains(closed),
                found -> found);
        long posts = backend.bodies.stream().filter(body -> body.contains("\"closed\"") && body.contains(id)).count();
        assertEquals(1, posts, "closed posts of " + id);
    }

    @Test
    void aRefusedConnectionIsAnErrorFrame() throws InterruptedException {
        WsClient bob = clients.open("bob");
        String opened = "{\"event\":\"opened\",\"user\":\"bob\",\"managerId\":\"" + bob.welcomeField("managerId")
                + "\",\"active\":1}";
        // Its opened post answered first, so that stopping the backend fails only the message's call.
        Await.until("bob's opened post answered", Duration.ofSeconds(15), () -> backend.answered.contains(opened),
                found -> found);
        long failures = inbound.getForwardFailures();
        int port = backend.port();
        backend.stop();
        try {
            bob.send("anyone?");
            assertEquals("{\"type\":\"error\",\"reason\":\"backend unreachable\"}", InboundFrames.next(bob));
            assertEquals(failures + 1, inbound.getForwardFailures());
            assertFalse(bob.isClosed());
        } finally {
            backend = Backend.start(port); // on the port the deployment forwards to, for the tests after this one
        }
    }

    /** The test's backend: answers by the message's data; records every body and secret header. */
    static final class Backend {

        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<String> secrets = new CopyOnWriteArrayList<>();
        final List<String> answered = new CopyOnWriteArrayList<>();
        final AtomicInteger hanging = new AtomicInteger();
        private final CountDownLatch hang = new CountDownLatch(1);
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private HttpServer server;

        static Backend start() {
            return start(0);
        }

        /** A backend listening on this port of 127.0.0.1 (0: any free one). */
        static Backend start(int port) {
            Backend backend = new Backend();
            try {
                backend.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            backend.server.setExecutor(backend.threads);
            backend.server.createContext("/hook", backend::answer);
            backend.server.start();
            return backend;
        }

        int port() {
            return server.getAddress().getPort();
        }

        void release() {
            hang.countDown();
        }

        void stop() {
            release();
            server.stop(0);
            threads.shutdownNow();
        }

        private void answer(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            secrets.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Wsquota-Secret")));
            String data = body.replaceAll("^.*\"data\":\"([^\"]*)\".*$", "$1");
            int status = 200;
            String answer = "";
            if (!body.startsWith("{\"event\":\"message\"")) {
                status = 204; // lifecycle: recorded only
            } else if (data.equals("fail")) {
                status = 500;
                answer = "the backend's own error text";
            } else if (data.equals("hang")) {
                hanging.incrementAndGet();
                await(hang, 60_000);
                // Not a 2xx: a released hang must not count as a late reply in whichever test runs next.
                status = 503;
                answer = "too late";
            } else if (data.equals("slow")) {
                await(new CountDownLatch(1), TIMEOUT_MILLIS + TIMEOUT_MILLIS / 2);
                answer = "late";
            } else {
                answer = "backend: " + data;
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            answered.add(body);
        }

        private static void await(CountDownLatch latch, long millis) {
            try {
                latch.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
