package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead peers lose their slot, live ones keep it, and a user is never turned away because of ghosts. */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LivenessIT extends ClientSideItBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("liveness");
    }

    private final List<RawWs> rawSockets = new ArrayList<>();

    @AfterEach
    void closeRawSocketsAndRestoreSettings() {
        for (RawWs raw : rawSockets) {
            raw.close();
        }
        mxbean.setPingIntervalSeconds(20);
        mxbean.setPongTimeoutSeconds(10);
        mxbean.setProbeAfterSeconds(0); // the default
        mxbean.setProbeTimeoutMillis(1_000);
        mxbean.setOnLimitPolicy("reject");
    }

    /** Opens a connection that must be admitted. */
    private WsClient openLive(String user) {
        WsClient client = open(user);
        assertTrue(client.admitted(), "expected " + user + " to be admitted");
        return client;
    }

    /** A peer that reads its welcome, then never reads, answers or closes again. */
    private RawWs halfOpen(String user) throws IOException {
        RawWs raw = RawWs.handshake(RawWs.basicHandshake(user, WsClient.PASSWORD));
        rawSockets.add(raw);
        assertEquals(101, raw.status());
        assertTrue(raw.readText().contains("\"type\":\"welcome\""));
        return raw;
    }


    private long released(String cause) {
        return mxbean.getReleasesByCause().getOrDefault(cause, 0L);
    }

    @Test
    void aHalfOpenPeerLosesItsSlotWithinPingIntervalPlusPongTimeout() throws Exception {
        mxbean.setPingIntervalSeconds(1);
        mxbean.setPongTimeoutSeconds(1);
        long pongTimeoutsBefore = released("PONG_TIMEOUT");
        halfOpen("alice");
        long silentSince = System.nanoTime();
        assertEquals(1, countOf("alice"));

        Await.until("the half-open peer's slot freed", Duration.ofSeconds(10), () -> countOf("alice"), n -> n == 0);
        long freedAfterMillis = (System.nanoTime() - silentSince) / 1_000_000;

        System.out.println("[liveness] half-open peer freed " + freedAfterMillis
                + " ms after going silent (ping interval 1 s, pong timeout 1 s, sweep every 250 ms)");
        assertEquals(pongTimeoutsBefore + 1, released("PONG_TIMEOUT"));
        assertTrue(freedAfterMillis < 1_000 + 1_000 + 250 + 1_500,
                "freed within ping interval + pong timeout + one sweep (+1.5 s slack): " + freedAfterMillis + " ms");
    }

    @Test
    void aSilentConnectionIsClosedAsIdleWith1001AndItsSlotFreed() throws Exception {
        mxbean.setPingIntervalSeconds(0);            // no pings, so no pongs count as traffic
        mxbean.setCleanupIntervalSeconds(86_400);    // the liveness sweep alone must do it
        mxbean.setIdleTimeoutSeconds(2);
        long idleBefore = released("IDLE");
        try {
            WsClient silent = openLive("dave");
            long opened = System.nanoTime();
            WsClient.Close close = silent.awaitClose();
            long closedAfterMillis = (System.nanoTime() - opened) / 1_000_000;
            System.out.println("[liveness] a silent connection was closed as idle after " + closedAfterMillis
                    + " ms (idle timeout 2 s, sweep every 500 ms): " + close);
            // Not the container's own idle close: Liberty sends 1006 on the wire, which the JDK client rejects.
            assertEquals(1001, close.code());
            assertEquals("idle for more than 2 s", close.reason());
            assertTrue(closedAfterMillis >= 1_900, closedAfterMillis + " ms");
            Await.until("its slot back", Duration.ofSeconds(5), () -> countOf("dave"), n -> n == 0);
            assertEquals(idleBefore + 1, released("IDLE"));
        } finally {
            mxbean.setIdleTimeoutSeconds(300);
            mxbean.setCleanupIntervalSeconds(2);
        }
    }

    @Test
    void anIdleButHealthyClientKeepsItsSlot() throws Exception {
        mxbean.setPingIntervalSeconds(1);
        mxbean.setPongTimeoutSeconds(1);
        long pongTimeoutsBefore = released("PONG_TIMEOUT");
        WsClient healthy = openLive("bob");
        // about four ping rounds with nothing sent by the client: the behaviour under test is "nothing happens"
        Thread.sleep(4_500);
        assertFalse(healthy.isClosed());
        assertEquals(1, countOf("bob"));
        assertEquals("still here", healthy.echo("still here"));
        assertEquals(pongTimeoutsBefore, released("PONG_TIMEOUT"));
    }

    @Test
    void atQuotaTheDeadAreProbedAndReleasedAndTheNewConnectionIsAdmitted() throws Exception {
        mxbean.setPingIntervalSeconds(0); // only the probe may find the dead ones
        mxbean.setProbeAfterSeconds(1);
        mxbean.setProbeTimeoutMillis(1_000);
        List<WsClient> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            live.add(openLive("carol"));
        }
        halfOpen("carol");
        halfOpen("carol");
        assertEquals(5, countOf("carol"));
        Thread.sleep(1_100); // every manager must have been silent longer than ProbeAfterSeconds
        long probeReclaimedBefore = mxbean.getProbeReclaimed();

        long started = System.nanoTime();
        WsClient sixth = WsClient.open("carol");
        clients.add(sixth);
        long answeredAfterMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(sixth.admitted(), "the dead must not cost a live user a slot");
        assertEquals("4", sixth.welcomeField("active"));
        System.out.println("[liveness] at quota with 2 dead: admitted after " + answeredAfterMillis
                + " ms (probe timeout 1000 ms)");
        assertEquals(probeReclaimedBefore + 2, mxbean.getProbeReclaimed());
        assertEquals(4, countOf("carol"));
        for (WsClient client : live) {
            assertFalse(client.isClosed());
            assertEquals("alive", client.echo("alive"));
        }
    }

    @Test
    void aDeviceThatDroppedOffTheNetworkDoesNotLockItsUserOut() throws Exception {
        mxbean.setPingIntervalSeconds(0); // only the probe at the quota may find the dead ones
        mxbean.setProbeTimeoutMillis(2_000);
        for (int i = 0; i < 5; i++) {
            halfOpen("bob"); // welcomed, then silent: a laptop whose link was cut (no FIN, no RST)
        }
        long cut = System.nanoTime();
        List<String> attempts = new ArrayList<>();
        WsClient.Answer answer = null;
        for (int second = 0; second < 15 && (answer == null || !answer.admitted()); second++) {
            long startedMillis = (System.nanoTime() - cut) / 1_000_000;
            WsClient device = WsClient.connect("bob");
            clients.add(device);
            answer = device.answer();
            long answeredMillis = (System.nanoTime() - cut) / 1_000_000;
            attempts.add("attempt at " + startedMillis + " ms answered at " + answeredMillis + " ms: "
                    + (answer.admitted() ? "welcome" : answer.close()));
            if (!answer.admitted()) {
                Thread.sleep(1_000);
            }
        }
        System.out.println("[liveness] second device after a cut link (probe timeout 2000 ms): " + attempts);
        assertTrue(answer != null && answer.admitted(), "the second device is welcomed: " + attempts);
        assertEquals(1, attempts.size(), "its first attempt waits for the probe and is welcomed, no 1013 first: "
                + attempts);
        long welcomedAfter = (System.nanoTime() - cut) / 1_000_000;
        // The probe waits up to twice its timeout for a ping that was written late (docs/configuration.md).
        assertTrue(welcomedAfter < 2 * 2_000 + 2_000, "welcomed within twice the probe timeout (+2 s slack): "
                + welcomedAfter);
        Await.until("bob at his one live connection", Duration.ofSeconds(10), () -> countOf("bob"), n -> n == 1);
    }

    @Test
    void atQuotaWithFiveLiveTheNewOneIsRejectedUnderReject() {
        for (int i = 0; i < 5; i++) {
            openLive("dave");
        }
        long started = System.nanoTime();
        WsClient sixth = WsClient.open("dave");
        clients.add(sixth);
        WsClient.Answer answer = sixth.answer();
        System.out.println("[liveness] a really full user's extra attempt (all 5 probed, all answered): refused after "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertFalse(answer.admitted());
        assertEquals(1013, answer.close().code());
        assertEquals("quota exceeded: 5/5 managers for dave", answer.close().reason());
        clients.forEach(client -> assertTrue(client == sixth || !client.isClosed()));
    }

    @Test
    void atQuotaWithFiveLiveTheOldestIsEvictedUnderEvictOldest() throws Exception {
        mxbean.setOnLimitPolicy("evict-oldest");
        assertEquals("evict-oldest", mxbean.getOnLimitPolicy());
        long evictedBefore = released("EVICTED");
        List<WsClient> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(openLive("dave"));
        }
        WsClient sixth = openLive("dave");
        assertEquals("5", sixth.welcomeField("active"));

        WsClient.Close close = five.get(0).awaitClose();
        assertEquals(4001, close.code());
        assertEquals("replaced by a newer connection", close.reason());
        for (int i = 1; i < 5; i++) {
            assertFalse(five.get(i).isClosed());
        }
        assertEquals(5, countOf("dave"));
        assertEquals(evictedBefore + 1, released("EVICTED"));
    }

    @Test
    void aBadPolicyIsRefusedWithTheAllowedValues() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> mxbean.setOnLimitPolicy("drop-newest"));
        assertEquals("on-limit policy must be one of reject, evict-oldest, was 'drop-newest'", refused.getMessage());
        assertEquals("reject", mxbean.getOnLimitPolicy());
    }

    @Test
    void fiftySimultaneousConnectsWhileProbingAllGetAnAnswerAndNeverMoreThanFiveHoldASlot() throws Exception {
        mxbean.setProbeAfterSeconds(0); // every rejection probes all of the user's managers
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<WsClient.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                WsClient client = WsClient.connect("bob");
                clients.add(client);
                return client.answer();
            }));
        }
        start.countDown();
        int welcomed = 0;
        for (java.util.concurrent.Future<WsClient.Answer> answer : answers) {
            WsClient.Answer got = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            if (got.admitted()) {
                welcomed++;
            } else {
                assertEquals(1013, got.close().code(), "refused connections get 1013: " + got.close());
            }
        }
        pool.shutdown();
        long probes = mxbean.getProbes();
        System.out.println("[liveness] 50 simultaneous connects with probing: " + welcomed + " welcomed, probes so far "
                + probes + ", reclaimed by probes " + mxbean.getProbeReclaimed());
        assertTrue(probes > 0, "the probe path was exercised");
        assertTrue(welcomed >= 5);
        Await.until("exactly 5 of bob's connections hold a slot", Duration.ofSeconds(10), () -> countOf("bob"), n ->
                n == 5);
        long openClients = clients.stream().filter(client -> !client.isClosed()).count();
        assertEquals(5, openClients, "every slot holder is an open connection and vice versa");
    }

    @Test
    void pageReloadRaceAtQuotaNeverCausesAFalseRejection() {
        List<WsClient> tabs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tabs.add(openLive("alice"));
        }
        long slowestMillis = 0;
        long probesBefore = mxbean.getProbes();
        for (int reload = 0; reload < 20; reload++) {
            tabs.remove(0).abort();
            long started = System.nanoTime();
            WsClient fresh = WsClient.open("alice");
            clients.add(fresh);
            WsClient.Answer answer = fresh.answer();
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - started) / 1_000_000);
            assertTrue(answer.admitted(), "reload " + reload + " was refused: " + answer.close());
            tabs.add(fresh);
        }
        System.out.println("[liveness] 20 reloads at quota: all admitted, slowest answer " + slowestMillis
                + " ms, probes needed " + (mxbean.getProbes() - probesBefore));
        Await.until("alice at exactly her 5 tabs", Duration.ofSeconds(10), () -> countOf("alice"), n -> n == 5);
    }
}
