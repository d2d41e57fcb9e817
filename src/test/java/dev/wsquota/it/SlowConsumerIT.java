package dev.wsquota.it;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.UserMessages;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.TcpStates;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.MessageCounters;
import dev.wsquota.quota.PushFrame;
import dev.wsquota.quota.ReleaseCause;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that never reads is closed as a slow consumer (4003) by either limit, its TCP connection ends without it
 * reading, and a bystander keeps receiving. Latencies and times are printed, never asserted against a tight bound.
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerIT {

    private static final String CHUNK = "z".repeat(60_000);

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("slowconsumer").addClasses(WsClient.class, WsClient.Close.class,
                WsClient.Answer.class, RawWs.class, RawWs.Frame.class, RawWs.Close.class, Await.class, TcpStates.class);
    }

    @Inject
    private UserMessages messages;

    @EJB
    private ManagerFactory factory;

    private final List<WsClient> clients = WsClient.newList();

    @AfterEach
    void restore() {
        WsClient.closeAll(clients);
        factory.setMaxQueuedBytes(1_048_576);
        factory.setSendTimeoutSeconds(10);
    }

    @Test
    void aPeerThatNeverReadsIsClosedWhenItsQueueIsFullAndOthersKeepReceiving() throws Exception {
        slowPeerIsClosed("alice", "too slow: 1048576 bytes waiting", 10);
    }

    @Test
    void aPeerThatNeverReadsIsClosedWhenASendTakesTooLong() throws Exception {
        factory.setMaxQueuedBytes(1_073_741_824); // the queue never fills here: only the time limit can act
        factory.setSendTimeoutSeconds(2);
        slowPeerIsClosed("carol", "too slow: a send took more than 2 s", 2);
    }

    /**
     * Liberty ends the TCP connection of a peer that does not read once the write in flight has timed out (the send
     * timeout) and it has waited its fixed 30 s for the peer's close frame: the bound waited for here, plus a margin.
     */
    private void slowPeerIsClosed(String user, String reason, int sendTimeoutSeconds) throws Exception {
        MessageCounters counters = factory.messages().outboxes().counters();
        long slowBefore = factory.readings().counters().releasesByCause().get(ReleaseCause.SLOW_CONSUMER);
        RawWs slow = RawWs.handshake(RawWs.basicHandshake(user, WsClient.PASSWORD));
        assertEquals(101, slow.status());
        assertTrue(slow.readText().contains("\"welcome\""));
        WsClient bystander = WsClient.open("bob");
        clients.add(bystander);
        bystander.welcome();
        List<Long> before = latencies(bystander, 20);

        long started = System.nanoTime();
        long slowestSendNanos = 0;
        int sent = 0;
        List<Long> during = new ArrayList<>();
        while (factory.readings().counters().releasesByCause().get(ReleaseCause.SLOW_CONSUMER) == slowBefore) {
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "not closed within 60 s");
            long t0 = System.nanoTime();
            Delivery delivery = messages.toUser(user, CHUNK);
            slowestSendNanos = Math.max(slowestSendNanos, System.nanoTime() - t0);
            if (delivery.delivered() == 1) {
                sent++;
            }
            if (sent % 10 == 0 || delivery.delivered() == 0) {
                during.addAll(latencies(bystander, 1));
            }
            if (sent > 2_000) {
                Thread.sleep(100); // enough is pending: only the send timeout can act now
            }
        }
        long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int localPort = slow.localPort();
        String serverSide = TcpStates.awaitServerSideGone(Integer.parseInt(System.getProperty("httpPort")), localPort,
                Duration.ofSeconds(sendTimeoutSeconds + 30 + 15));
        during.addAll(latencies(bystander, 20));
        System.out.printf("slow consumer %s: %d messages of %d bytes queued, closed after %d ms (%s); slowest send "
                        + "call %.2f ms; server side of its TCP connection: %s; bystander latency before p50 %.2f ms "
                        + "max %.2f ms, during/after p50 %.2f ms max %.2f ms; delivered %d refused %d%n",
                user, sent, CHUNK.length(), closedAfterMillis, reason, slowestSendNanos / 1e6, serverSide,
                p50(before), max(before), p50(during), max(during), counters.delivered(), counters.refused());

        assertEquals("gone", serverSide.split(" ")[0], "the server ended the TCP connection without the peer reading");
        RawWs.Close close = readToClose(slow);
        System.out.println("the slow peer, reading at last, got: " + close.code() + " " + close.reason());
        if (close.code() != -1) {
            assertEquals(CloseCodes.SLOW_CONSUMER, close.code());
            assertEquals(reason, close.reason());
        }
        assertTrue(factory.messages().outboxes().queuedBytes() < CHUNK.length(), "its queue was freed");
    }

    /** Reads what the server sent until its close frame or the end of the stream. */
    private static RawWs.Close readToClose(RawWs ws) {
        try {
            for (int frames = 0; frames < 100_000; frames++) {
                RawWs.Frame frame = ws.readFrame();
                if (frame == null) {
                    return new RawWs.Close(-1, "end of stream", List.of());
                }
                if (frame.opcode() == RawWs.CLOSE) {
                    byte[] payload = frame.payload();
                    int code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
                    return new RawWs.Close(code, new String(payload, 2, Math.max(0, payload.length - 2),
                            StandardCharsets.UTF_8), List.of());
                }
            }
            return new RawWs.Close(-1, "too many frames", List.of());
        } catch (IOException e) {
            return new RawWs.Close(-1, e.toString(), List.of());
        }
    }

    /** Sends {@code count} messages to bob one after the other and returns each one's send-to-receive time. */
    private List<Long> latencies(WsClient bob, int count) throws InterruptedException {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = "ping " + System.nanoTime();
            long t0 = System.nanoTime();
            messages.toUser("bob", text);
            String got = bob.nextMessage(10_000);
            nanos.add(System.nanoTime() - t0);
            assertEquals(PushFrame.of(text), got, "the bystander receives every message");
        }
        return nanos;
    }

    private static double p50(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }

    private static double max(List<Long> nanos) {
        return Collections.max(nanos) / 1e6;
    }
}
