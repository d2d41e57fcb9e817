package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxesTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), () -> 1_000L);
    private final Outboxes outboxes = new Outboxes(registry, new OutboxLimits(1_024, 10), nanos::get);
    private final LocalMessages messages = new LocalMessages(registry, outboxes);

    private Manager admit(String user, Connection connection) {
        Admission admission = registry.admit(user, connection);
        assertTrue(admission.isAdmitted());
        return admission.manager();
    }

    @Test
    void aUsersMessageReachesEachOfHerManagersAndNobodyElse() {
        FakeConnection[] alice = {new FakeConnection(), new FakeConnection(), new FakeConnection()};
        for (FakeConnection connection : alice) {
            admit("alice", connection);
        }
        FakeConnection bob = new FakeConnection();
        admit("bob", bob);

        Delivery sent = messages.toUser("alice", "report \"7\" is ready");

        assertEquals(new Delivery(3, 1, 0, 0), sent);
        for (FakeConnection connection : alice) {
            assertEquals(List.of("{\"type\":\"message\",\"data\":\"report \\\"7\\\" is ready\"}"), connection.sent());
        }
        assertEquals(List.of(), bob.sent());
        assertEquals(3, outboxes.counters().delivered());
        assertEquals(3, outboxes.counters().written());
    }

    @Test
    void aUserWithoutManagersIsNoErrorAndAnUnusableUserIdIsRefused() {
        assertEquals(Delivery.NONE, messages.toUser("nobody", "hi"));
        try {
            messages.toUser(" ", "hi");
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("a blank user id was accepted");
    }

    @Test
    void oneManagerByIdAndNeverAClosedOnesSuccessor() {
        FakeConnection first = new FakeConnection();
        Manager closed = admit("alice", first);
        registry.release(closed, ReleaseCause.CLOSE);
        FakeConnection successor = new FakeConnection();
        Manager live = admit("alice", successor);

        assertEquals(Optional.empty(), messages.toManager(closed.id(), "old"));
        assertEquals(Optional.empty(), messages.toManager("not-an-id", "x"));
        assertEquals(Optional.of(new Delivery(1, 1, 0, 0)), messages.toManager(live.id(), "new"));
        assertEquals(List.of(), first.sent());
        assertEquals(List.of(PushFrame.of("new")), successor.sent());
    }

    @Test
    void everyoneMeansEveryLiveManager() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        admit("alice", a);
        admit("bob", b);
        assertEquals(new Delivery(2, 1, 0, 0), messages.toEveryone("all"));
        assertEquals(1, a.sent().size());
        assertEquals(1, b.sent().size());
    }

    @Test
    void messagesToOneManagerArriveInTheOrderSentOneWriteAtATime() {
        SlowPeer peer = new SlowPeer();
        Manager manager = admit("alice", peer);
        for (int i = 0; i < 5; i++) {
            assertEquals(Outboxes.Result.DELIVERED, outboxes.offer(manager, "m" + i));
        }
        assertEquals(1, peer.inFlight(), "one send at a time");
        List<String> read = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            read.add(peer.readOne());
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), read);
        assertEquals(0, outboxes.queuedBytes());
        assertEquals(5, manager.messagesOut());
    }

    @Test
    void sendsThatCompleteAtOnceDoNotNestAndKeepTheirOrder() {
        FakeConnection peer = new FakeConnection();
        Manager manager = admit("alice", peer);
        Outboxes roomy = new Outboxes(registry, new OutboxLimits(OutboxLimits.MAX_QUEUED_BYTES_LIMIT, 10), nanos::get);
        for (int i = 0; i < 20_000; i++) {
            roomy.offer(manager, Integer.toString(i));
        }
        List<String> sent = peer.sent();
        assertEquals(20_000, sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(Integer.toString(i), sent.get(i));
        }
    }

    @Test
    void aFullQueueRefusesTheMessageAndClosesThePeerAsTooSlow() {
        SlowPeer slow = new SlowPeer();
        Manager manager = admit("alice", slow);
        FakeConnection bystander = new FakeConnection();
        admit("bob", bystander);
        String chunk = "x".repeat(300);
        for (int i = 0; i < 3; i++) {
            assertEquals(Outboxes.Result.DELIVERED, outboxes.offer(manager, chunk));
        }
        assertEquals(900, outboxes.queuedBytes());
        assertEquals(900, outboxes.largestQueueBytes());

        assertEquals(Outboxes.Result.REFUSED, outboxes.offer(manager, chunk));

        assertTrue(slow.aborted);
        assertEquals(4003, slow.closeCode);
        assertEquals("too slow: 1024 bytes waiting", slow.closeReason);
        assertFalse(registry.isLive(manager));
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.SLOW_CONSUMER));
        assertEquals(1, outboxes.counters().refused());
        assertEquals(1, outboxes.counters().slowConsumerQueueFull());
        assertEquals(0, outboxes.queuedBytes(), "its memory is freed");
        assertEquals(Outboxes.Result.GONE, outboxes.offer(manager, "late"));
        assertEquals(new Delivery(1, 1, 0, 0), messages.toUser("bob", "still here"));
    }

    @Test
    void aMessageAloneInAnEmptyQueueIsAlwaysTaken() {
        SlowPeer peer = new SlowPeer();
        Manager manager = admit("alice", peer);
        assertEquals(Outboxes.Result.DELIVERED, outboxes.offer(manager, "y".repeat(5_000)));
        assertEquals(Outboxes.Result.REFUSED, outboxes.offer(manager, "z"));
    }

    @Test
    void aSendPendingLongerThanTheTimeoutClosesThePeer() {
        SlowPeer slow = new SlowPeer();
        Manager manager = admit("alice", slow);
        SlowPeer reader = new SlowPeer();
        Manager other = admit("bob", reader);
        outboxes.offer(manager, "stuck");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(9));
        outboxes.offer(other, "fresh");
        assertEquals(0, outboxes.closeOverdue(), "9 s is within the limit");

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertEquals(1, outboxes.closeOverdue());

        assertEquals(4003, slow.closeCode);
        assertEquals("too slow: a send took more than 10 s", slow.closeReason);
        assertFalse(registry.isLive(manager));
        assertTrue(registry.isLive(other));
        assertEquals(1, outboxes.counters().slowConsumerSendTimeout());
        assertEquals(0, outboxes.closeOverdue(), "closed once");
    }

    @Test
    void aWriteTheContainerGaveUpOnAfterTheTimeoutIsASlowConsumerToo() {
        SlowPeer slow = new SlowPeer();
        Manager manager = admit("alice", slow);
        outboxes.offer(manager, "stuck");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(10) + 1);
        slow.inFlight.poll().done().accept(new java.net.SocketTimeoutException("write timed out"));
        assertEquals(4003, slow.closeCode);
        assertEquals("too slow: a send took more than 10 s", slow.closeReason);
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.SLOW_CONSUMER));
    }

    @Test
    void messagesWaitForTheWelcomeThenFollowIt() {
        SlowPeer peer = new SlowPeer();
        peer.welcomesFirst = true;
        Manager manager = admit("alice", peer);
        outboxes.offer(manager, "early");
        assertEquals(0, peer.inFlight());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertEquals(0, outboxes.closeOverdue(), "waiting for the welcome is not a slow send");

        manager.welcomed();

        assertEquals(1, peer.inFlight());
        assertEquals("early", peer.readOne());
    }

    @Test
    void aFailedSendDropsWhatWaitsAndTheManagerTakesNoMore() {
        SlowPeer peer = new SlowPeer();
        Manager manager = admit("alice", peer);
        outboxes.offer(manager, "a");
        outboxes.offer(manager, "b");
        peer.inFlight.poll().done().accept(new java.io.IOException("broken pipe"));
        assertEquals(0, outboxes.queuedBytes());
        assertEquals(Outboxes.Result.GONE, outboxes.offer(manager, "c"));
        assertFalse(registry.isLive(manager), "an open connection that cannot be written is not left holding a slot");
        assertEquals(1011, peer.closeCode);
        assertEquals(1, outboxes.counters().sendFailures());
    }

    @Test
    void limitsAreCheckedAndUtf8IsCountedWithoutEncoding() {
        assertThrows(() -> new OutboxLimits(10, 10));
        assertThrows(() -> new OutboxLimits(1_024, 0));
        assertThrows(() ->
                OutboxLimits.load(key -> Optional.of(key.equals(OutboxLimits.SEND_TIMEOUT_SECONDS) ? "x" : "")));
        OutboxLimits defaults = OutboxLimits.load(key -> Optional.empty());
        assertEquals(1_048_576, defaults.maxQueuedBytes());
        assertEquals(10, defaults.sendTimeoutSeconds());
        for (String text : List.of("", "abc", "é", "€", "😀")) {
            assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Outboxes.utf8Length(text),
                    text);
        }
    }

    @Test
    void theFrameEscapesTheTextAsJson() {
        assertEquals("{\"type\":\"message\",\"data\":\"a\\\\b\\n\\u0001é\"}", PushFrame.of("a\\b\n\u0001é"));
    }

    private static void assertThrows(Runnable bad) {
        try {
            bad.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("accepted");
    }
}
