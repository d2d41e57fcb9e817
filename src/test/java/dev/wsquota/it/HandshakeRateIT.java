package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-user handshake limit falls on refused attempts only, with the product's default limit (10/s, burst 30):
 * healthy churn is never refused, a loop of refused attempts gets 429 with Retry-After after the burst, and a foreign
 * page's storm spends none of the victim's budget. This deployment's own config outranks the IT server's raised limit.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandshakeRateIT {

    private static final int BURST = 30;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final List<WsClient> held = WsClient.newList();

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        String defaults = Files.readString(Path.of("src/main/resources/META-INF/microprofile-config.properties"));
        return Deployments.product("handshakerate")
                .addAsResource(
                        new StringAsset(defaults + "\n# the product's defaults, above the IT server's -D values\n"
                        + "config_ordinal=500\n"), "META-INF/microprofile-config.properties");
    }

    @AfterEach
    void closeHeld() {
        WsClient.closeAll(held);
    }

    /** One attempt: "admitted", "closed 1013 ..." or "HTTP 429 Retry-After n"; an admitted one stays open. */
    private static String attempt(String user, Map<String, String> headers, List<WsClient> keep) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        builder.header("Authorization", WsClient.basic(user, WsClient.PASSWORD));
        headers.forEach(builder::header);
        WsClient client;
        try {
            client = WsClient.connect(builder);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return "HTTP " + refused.getResponse().statusCode()
                        + refused.getResponse().headers().firstValue("Retry-After").map(s -> " Retry-After " + s)
                                .orElse("");
            }
            throw e;
        }
        WsClient.Answer answer = client.answer();
        if (answer.admitted()) {
            keep.add(client);
            return "admitted";
        }
        return "closed " + answer.close().code() + " " + answer.close().reason();
    }

    /** The seed's scenario: cycles of open, welcome, close (or drop), a few at a time, never above the quota. */
    private static Map<String, Integer> churn(String user, int cycles, int atOnce, int dropEvery) throws Exception {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService lanes = Executors.newFixedThreadPool(atOnce);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < atOnce; lane++) {
                running.add(lanes.submit(() -> {
                    for (int i = next.getAndIncrement(); i < cycles; i = next.getAndIncrement()) {
                        List<WsClient> open = new ArrayList<>();
                        outcomes.merge(attempt(user, Map.of(), open), 1, Integer::sum);
                        for (WsClient client : open) {
                            if (dropEvery > 0 && i % dropEvery == 0) {
                                client.abort(); // no close frame: a crashed client or a lost network
                            } else {
                                client.close();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get(120, TimeUnit.SECONDS);
            }
        } finally {
            lanes.shutdownNow();
        }
        return new TreeMap<>(outcomes);
    }

    @Test
    void healthyChurnIsNeverRefused() throws Exception {
        Map<String, Integer> fourAtATime = churn("dave", 200, 4, 5);
        assertEquals(Map.of("admitted", 200), fourAtATime, "200 cycles, 4 at a time, every 5th dropped");
        Map<String, Integer> oneAtATime = churn("dave", 100, 1, 0);
        assertEquals(Map.of("admitted", 100), oneAtATime, "100 cycles one after another");
    }

    @Test
    void aLoopOfRefusedAttemptsGets429AfterTheBurstAndAnotherUserIsUnaffected() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals("admitted", attempt("carol", Map.of(), held));
        }
        List<String> loop = new ArrayList<>();
        for (int i = 0; i < 300 && loop.stream().noneMatch(o -> o.startsWith("HTTP 429")); i++) {
            loop.add(attempt("carol", Map.of(), held));
        }
        int refusedByQuota = (int) loop.stream().filter(o -> o.startsWith("closed 1013 quota exceeded: 5/5")).count();
        String last = loop.get(loop.size() - 1);
        assertTrue(last.startsWith("HTTP 429 Retry-After "), "a refused loop ends in 429: " + last);
        assertEquals(loop.size() - 1, refusedByQuota, "every attempt before the 429 was refused by the quota: " + loop);
        assertTrue(refusedByQuota >= BURST, "the whole burst of refusals before the first 429: " + refusedByQuota);
        assertEquals("admitted", attempt("bob", Map.of(), held), "bob is not slowed by carol's refusals");

        long retryAfter = Long.parseLong(last.substring("HTTP 429 Retry-After ".length()));
        Thread.sleep(TimeUnit.SECONDS.toMillis(retryAfter));
        assertTrue(attempt("carol", Map.of(), held).startsWith("closed 1013"),
                "carol is let in again after Retry-After");
    }

    @Test
    void aForeignOriginStormSpendsNoneOfTheVictimsBudget() throws Exception {
        String foreign = "http://localhost:9098"; // same site, other origin: the cross-site hijacking case
        ExecutorService storm = Executors.newFixedThreadPool(8);
        List<Future<String>> attempts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            attempts.add(storm.submit(() -> attempt("alice", Map.of("Origin", foreign), held)));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Future<String> outcome : attempts) {
            outcomes.merge(outcome.get(60, TimeUnit.SECONDS), 1, Integer::sum);
        }
        storm.shutdownNow();
        assertEquals(Map.of("HTTP 403", 400), outcomes);
        // Had the storm spent alice's budget (400 tokens in far less than 40 s), her next refusals would be 429.
        for (int i = 0; i < 5; i++) {
            assertEquals("admitted", attempt("alice", Map.of(), held));
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(attempt("alice", Map.of(), held).startsWith("closed 1013"),
                    "refused by the quota, not the rate");
        }
    }
}
