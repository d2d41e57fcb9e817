package dev.wsquota.inbound;

import dev.wsquota.quota.Admission;
import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.ServerActions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundLanesTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), System::currentTimeMillis);
    private final RecordingHandler handler = new RecordingHandler();
    private final InboundStatistics statistics = new InboundStatistics();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
    }

    private InboundLanes lanes(int maxInFlight) {
        InboundLanes lanes = new InboundLanes(executor, handler, DirectOutbox.INSTANCE, statistics, maxInFlight);
        registry.setReleaseListener(lanes::released);
        return lanes;
    }

    private Manager admit(String user) {
        Admission admission = registry.admit(user, new FakeConnection());
        assertTrue(admission.isAdmitted());
        return admission.manager();
    }

    private static FakeConnection connection(Manager manager) {
        return (FakeConnection) manager.connection();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    @Test
    void oneManagersEventsRunInOrderOpenedFirstClosedLast() throws InterruptedException {
        InboundLanes lanes = lanes(1_000);
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.message("early"); // sent before the welcome: held until start, after opened
        lane.start(1);
        List<String> expected = new ArrayList<>(List.of("opened alice 1", "message early"));
        for (int i = 0; i < 999; i++) {
            assertTrue(lane.message("m" + i));
            expected.add("message m" + i);
        }
        registry.release(alice, ReleaseCause.ADMIN);
        expected.add("closed ADMIN");
        await("every event", () -> handler.events.size() == expected.size());
        assertEquals(expected, handler.events);
        assertEquals(1_000, statistics.messages());
        await("the last event counted done", () -> lanes.inFlight() == 0); // counted after its handler returns
        assertFalse(lane.message("after the end"), "a message after the close is dropped");
    }

    @Test
    void overTheBoundAMessageGetsAnErrorFrameAndNothingQueues() throws InterruptedException {
        InboundLanes lanes = lanes(3);
        CountDownLatch held = new CountDownLatch(1);
        handler.onMessage = message -> CompletableFuture.runAsync(() -> awaitQuietly(held));
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        int accepted = 0;
        for (int i = 0; i < 5; i++) {
            accepted += lane.message("m" + i) ? 1 : 0;
        }
        assertEquals(3, accepted);
        assertEquals(3, lanes.inFlight());
        assertEquals(2, statistics.busy());
        assertEquals(List.of(busyFrame(), busyFrame()), connection(alice).sent());
        held.countDown();
        await("the held messages", () -> lanes.inFlight() == 0);
        await("three handled", () -> handler.events.size() == 4);
        assertEquals(List.of("opened alice 1", "message m0", "message m1", "message m2"), handler.events);
        assertTrue(lane.message("m5"), "room again once the lane has drained");
    }

    private static String busyFrame() {
        return "{\"type\":\"error\",\"reason\":\"too many messages in flight (3)\"}";
    }

    @Test
    void aThrowingHandlerGivesAnErrorFrameIsCountedAndTheLaneGoesOn() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        handler.onMessage = message -> {
            if (message.text().equals("boom")) {
                throw new IllegalStateException("observer bug");
            }
            message.reply("ok " + message.text());
            return CompletableFuture.completedFuture(null);
        };
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("boom");
        lane.message("next");
        await("both answers", () -> connection(alice).sent().size() == 2);
        assertEquals(List.of("{\"type\":\"error\",\"reason\":\"handler failed\"}", "ok next"), connection(alice).sent());
        assertEquals(1, statistics.handlerErrors());
        assertEquals(1, alice.messagesOut());
    }

    @Test
    void aKnownFailureSendsItsOwnReasonAndCountsByKind() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        handler.onMessage = message -> CompletableFuture.failedFuture(new HandlerFailure(
                HandlerFailure.Kind.FORWARD_TIMEOUT, "backend timed out after 5 ms", null));
        Manager alice = admit("alice");
        InboundLanes.Lane lane = lanes.open(alice);
        lane.start(1);
        lane.message("x");
        await("the error frame", () -> connection(alice).sent().size() == 1);
        assertEquals("{\"type\":\"error\",\"reason\":\"backend timed out after 5 ms\"}", connection(alice).sent().get(0));
        assertEquals(1, statistics.forwardTimeouts());
        assertEquals(0, statistics.handlerErrors());
    }

    @Test
    void aHeldLaneDoesNotHoldAnotherManagersLane() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<Void> never = new CompletableFuture<>();
        handler.onMessage = message -> {
            if (message.user().equals("alice")) {
                return never; // alice's backend hangs: her lane waits, no thread does
            }
            message.reply("hi " + message.user());
            return CompletableFuture.completedFuture(null);
        };
        Manager alice = admit("alice");
        Manager bob = admit("bob");
        InboundLanes.Lane aliceLane = lanes.open(alice);
        InboundLanes.Lane bobLane = lanes.open(bob);
        aliceLane.start(1);
        bobLane.start(1);
        for (int i = 0; i < 10; i++) {
            aliceLane.message("a" + i);
        }
        for (int i = 0; i < 100; i++) {
            bobLane.message("b" + i);
        }
        await("bob's replies", () -> connection(bob).sent().size() == 100);
        // Bob's last reply is written before his lane counts it done; alice's ten stay in flight meanwhile.
        await("only alice's ten in flight", () -> lanes.inFlight() == 10);
        never.complete(null);
        held.countDown();
        await("alice's lane drained", () -> lanes.inFlight() == 0);
    }

    @Test
    void awaitIdleWaitsForTheClosedEventsOfReleasedManagersAndIsBounded() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        CompletableFuture<Void> backend = new CompletableFuture<>();
        handler.onMessage = message -> backend; // a call in flight when the application stops
        Manager alice = admit("alice");
        Manager bob = admit("bob");
        InboundLanes.Lane aliceLane = lanes.open(alice);
        aliceLane.start(1);
        lanes.open(bob).start(1);
        aliceLane.message("in flight");
        registry.release(alice, ReleaseCause.SHUTDOWN);
        registry.release(bob, ReleaseCause.SHUTDOWN);
        assertFalse(lanes.awaitIdle(100), "alice's closed event waits behind her message");
        assertEquals(1, lanes.busyLanes());
        backend.complete(null);
        assertTrue(lanes.awaitIdle(5_000));
        assertEquals(0, lanes.busyLanes());
        assertEquals(2, handler.events.stream().filter("closed SHUTDOWN"::equals).count(), handler.events.toString());
        assertEquals("closed SHUTDOWN", handler.events.get(handler.events.size() - 1), "alice's closed runs last");
    }

    @Test
    void aManagerReleasedBeforeItsLaneExistedGetsOpenedThenClosed() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        Manager alice = admit("alice");
        registry.release(alice, ReleaseCause.PONG_TIMEOUT);
        InboundLanes.Lane lane = lanes.open(alice);
        assertFalse(lane.message("too late"));
        lane.start(1);
        await("both events", () -> handler.events.size() == 2);
        assertEquals(List.of("opened alice 1", "closed PONG_TIMEOUT"), handler.events);
    }

    @Test
    void aLaneNeverStartedRunsNothing() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        Manager alice = admit("alice");
        lanes.open(alice);
        registry.release(alice, ReleaseCause.CLOSE);
        Thread.sleep(50);
        assertEquals(List.of(), handler.events, "a manager never welcomed has no events");
    }

    @Test
    void fencingAndTheStopEachCloseEveryManagerOnceWithTheirCause() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        ServerActions actions = new ServerActions(registry);
        lanes.open(admit("alice")).start(1);
        lanes.open(admit("bob")).start(1);
        // What a cluster node that lost its leases does (ClusterWideActions.fence); only reachable with a cluster.
        assertEquals(2, actions.releaseAll(ReleaseCause.FENCED, CloseCodes.GOING_AWAY, "lost contact"));
        lanes.open(admit("carol")).start(1);
        assertEquals(1, actions.closeAllForShutdown(0).released());
        await("three closed events", () -> handler.events.stream().filter(e -> e.startsWith("closed")).count() == 3);
        assertTrue(lanes.awaitIdle(5_000));
        assertEquals(List.of("closed FENCED", "closed FENCED", "closed SHUTDOWN"),
                handler.events.stream().filter(e -> e.startsWith("closed")).sorted().toList());
    }

    @Test
    void anEvictedManagerIsClosedWithEvicted() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        Manager first = admit("carol");
        lanes.open(first).start(1);
        for (int i = 0; i < 4; i++) {
            admit("carol");
        }
        Admission replacing = registry.admit("carol", new FakeConnection(), OnLimitPolicy.EVICT_OLDEST);
        assertEquals(first, replacing.evicted());
        await("closed", () -> handler.events.size() == 2);
        assertEquals(List.of("opened carol 1", "closed EVICTED"), handler.events);
        assertEquals(1, registry.counters().releasesByCause().get(ReleaseCause.EVICTED));
    }

    @Test
    void aReleaseIsToldOnceWithItsCause() throws InterruptedException {
        InboundLanes lanes = lanes(16);
        Manager alice = admit("alice");
        lanes.open(alice).start(2);
        registry.release(alice, ReleaseCause.ADMIN);
        registry.release(alice, ReleaseCause.CLOSE); // the endpoint's onClose after the operator's close
        await("closed", () -> handler.events.size() == 2);
        Thread.sleep(50);
        assertEquals(List.of("opened alice 2", "closed ADMIN"), handler.events);
    }

    @Test
    void anErrorFrameEscapesItsReason() {
        assertEquals("{\"type\":\"error\",\"reason\":\"a \\\"b\\\"\\n\\u0001\"}", ManagerOutbox.errorFrame("a \"b\"\n\u0001"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
