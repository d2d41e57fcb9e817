package dev.wsquota.inbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forward against a JDK HttpServer on 127.0.0.1 whose answer depends on the text it gets. */
class ForwardHandlerTest {

    private static final int TIMEOUT_MILLIS = 300;

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService backendThreads = Executors.newCachedThreadPool();
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), System::currentTimeMillis);
    private final InboundStatistics statistics = new InboundStatistics();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final CountDownLatch hang = new CountDownLatch(1);
    private HttpServer backend;

    @BeforeEach
    void startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.setExecutor(backendThreads);
        backend.createContext("/hook", this::answer);
        backend.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        hang.countDown();
        backend.stop(0);
        executor.shutdownNow();
        timeouts.shutdownNow();
        backendThreads.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        bodies.add(body);
        secrets.add(String.valueOf(exchange.getRequestHeaders().getFirst(InboundSettings.SECRET_HEADER)));
        int status = 200;
        String answer = "";
        if (body.contains("\"data\":\"fail\"")) {
            status = 500;
            answer = "stack trace with secrets";
        } else if (body.contains("\"data\":\"hang\"")) {
            try {
                hang.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (body.contains("\"data\":\"slow\"")) {
            sleep(TIMEOUT_MILLIS + TIMEOUT_MILLIS / 2); // after the timeout, before the call is abandoned
            answer = "late";
        } else if (body.contains("\"event\":\"message\"")) {
            answer = "got it";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private InboundLanes lanes(String url, boolean lifecycle) {
        return lanes(url, lifecycle, TIMEOUT_MILLIS);
    }

    private InboundLanes lanes(String url, boolean lifecycle, int timeoutMillis) {
        InboundSettings settings = InboundSettings.load(key -> Optional.ofNullable(Map.of(
                InboundSettings.MODE, "forward",
                InboundSettings.FORWARD_URL, url,
                InboundSettings.FORWARD_TIMEOUT, String.valueOf(timeoutMillis),
                InboundSettings.FORWARD_SECRET, "s3cret",
                InboundSettings.FORWARD_LIFECYCLE, String.valueOf(lifecycle)).get(key)));
        InboundLanes lanes = new InboundLanes(executor, new ForwardHandler(settings, executor, timeouts, statistics),
                DirectOutbox.INSTANCE, statistics, settings.maxInFlight());
        registry.setReleaseListener(lanes::released);
        return lanes;
    }

    private String url() {
        return "http://127.0.0.1:" + backend.getAddress().getPort() + "/hook";
    }

    private Manager admit(String user) {
        Admission admission = registry.admit(user, new FakeConnection());
        assertTrue(admission.isAdmitted());
        return admission.manager();
    }

    private static List<String> sent(Manager manager) {
        return ((FakeConnection) manager.connection()).sent();
    }

    @Test
    void aTwoHundredBodyIsTheReplyAndTheBackendGetsTheDocumentedJson() throws InterruptedException {
        InboundLanes lanes = lanes(url(), true);
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("hello \"world\"");
        await("the reply", () -> sent(alice).size() == 1);
        assertEquals(List.of("got it"), sent(alice));
        registry.release(alice, ReleaseCause.CLOSE);
        await("the closed post", () -> bodies.size() == 3);
        String id = alice.id();
        assertEquals(List.of("{\"event\":\"opened\",\"user\":\"alice\",\"managerId\":\"" + id + "\",\"active\":1}",
                "{\"event\":\"message\",\"user\":\"alice\",\"managerId\":\"" + id + "\",\"data\":\"hello \\\"world\\\"\"}",
                "{\"event\":\"closed\",\"user\":\"alice\",\"managerId\":\"" + id + "\",\"cause\":\"CLOSE\"}"), bodies);
        assertEquals(List.of("s3cret", "s3cret", "s3cret"), secrets);
    }

    @Test
    void stopEndsTheClientsSelectorThreadAndLaterCallsFail() throws Exception {
        InboundSettings settings = InboundSettings.load(key -> Optional.ofNullable(Map.of(
                InboundSettings.MODE, "forward", InboundSettings.FORWARD_URL, url()).get(key)));
        ForwardHandler handler = new ForwardHandler(settings, executor, timeouts, statistics);
        Manager alice = admit("alice");
        ClientMessage hello = new ClientMessage(alice, "hello", new Replies(DirectOutbox.INSTANCE, statistics));
        handler.message(hello).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Set<String> selectors = selectorThreads();
        assertFalse(selectors.isEmpty(), "a selector thread while the client lives");
        handler.stop();
        // Not after a GC: at once, the handler still referenced here.
        Set<String> left = selectorThreads();
        left.retainAll(selectors);
        assertEquals(Set.of(), left);
        Throwable failure = assertThrows(ExecutionException.class,
                () -> handler.message(hello).toCompletableFuture().get(10, TimeUnit.SECONDS)).getCause();
        assertEquals("backend call failed", ((HandlerFailure) failure).reason());
    }

    private static Set<String> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("HttpClient-") && name.endsWith("-SelectorManager"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void aFiveHundredIsAnErrorFrameWithoutTheBackendsBody() throws InterruptedException {
        InboundLanes lanes = lanes(url(), false);
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("fail");
        lane.message("after");
        await("both answers", () -> sent(alice).size() == 2);
        assertEquals(List.of("{\"type\":\"error\",\"reason\":\"backend answered 500\"}", "got it"), sent(alice));
        assertEquals(1, statistics.forwardFailures());
    }

    @Test
    void aRefusedConnectionIsAnErrorFrame() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        InboundLanes lanes = lanes("http://127.0.0.1:" + closedPort + "/hook", false);
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("anyone?");
        await("the error frame", () -> sent(alice).size() == 1);
        assertEquals(List.of("{\"type\":\"error\",\"reason\":\"backend unreachable\"}"), sent(alice));
        assertEquals(1, statistics.forwardFailures());
    }

    @Test
    void aHangingBackendHoldsOnlyItsOwnUser() throws InterruptedException {
        InboundLanes lanes = lanes(url(), false, 10_000);
        Manager alice = admit("alice");
        Manager bob = admit("bob");
        InboundLanes.Lane aliceLane = lanes.open(alice);
        InboundLanes.Lane bobLane = lanes.open(bob);
        aliceLane.start(1);
        bobLane.start(1);
        aliceLane.message("hang");
        for (int i = 0; i < 20; i++) {
            bobLane.message("b" + i);
        }
        await("bob's replies", () -> sent(bob).size() == 20);
        // Bob's last reply is written before his lane counts it done: wait for that, not for alice's call.
        await("only alice's call in flight", () -> lanes.inFlight() == 1);
        assertEquals(List.of(), sent(alice), "alice's call is still hanging (for up to 10 s)");
    }

    @Test
    void aTimeoutIsAnErrorFrameAndALateTwoHundredIsDroppedAndCounted() throws InterruptedException {
        InboundLanes lanes = lanes(url(), false);
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("hang");
        lane.message("slow");
        lane.message("after");
        await("three answers", () -> sent(alice).size() == 3);
        String timedOut = "{\"type\":\"error\",\"reason\":\"backend timed out after " + TIMEOUT_MILLIS + " ms\"}";
        assertEquals(List.of(timedOut, timedOut, "got it"), sent(alice));
        assertEquals(2, statistics.forwardTimeouts());
        await("the late answer counted", () -> statistics.forwardLate() == 1);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
