package dev.wsquota.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's handshakes over the per-user rate are refused before the upgrade with 429 and Retry-After; another user
 * is unaffected, and the user is let in again after the time Retry-After named. This deployment's own limit (burst 3,
 * 1 per second) outranks the IT server's raised one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandshakeRateIT {

    private static final int BURST = 3;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        String defaults = Files.readString(Path.of("src/main/resources/META-INF/microprofile-config.properties"));
        return Deployments.product("handshakerate")
                .addAsResource(new StringAsset(defaults + "\n# this test's own handshake limit, above the IT server's -D values\n"
                        + "config_ordinal=500\nwsquota.handshakes-per-second=1\nwsquota.handshake-burst=" + BURST + "\n"),
                        "META-INF/microprofile-config.properties");
    }

    @Test
    void aBurstAboveTheRateGets429WithRetryAfterAndAnotherUserIsUnaffected() throws Exception {
        for (int i = 0; i < BURST; i++) {
            try (WsClient client = WsClient.open("carol")) {
                assertTrue(client.admitted(), "attempt " + i + " within the burst");
            }
        }
        HttpResponse<?> refused = refusedHandshake("carol");
        assertEquals(429, refused.statusCode());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After at 1 handshake per second: " + retryAfter);

        try (WsClient bob = WsClient.open("bob")) {
            assertTrue(bob.admitted(), "bob is not slowed by carol's refusals");
        }

        Thread.sleep(TimeUnit.SECONDS.toMillis(retryAfter));
        try (WsClient again = WsClient.open("carol")) {
            assertTrue(again.admitted(), "carol is let in after Retry-After");
        }
    }

    private static HttpResponse<?> refusedHandshake(String user) {
        CompletionException failed = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", WsClient.basic(user, WsClient.PASSWORD))
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(WsClient.endpoint(), new WebSocket.Listener() { })
                .orTimeout(20, TimeUnit.SECONDS)
                .join());
        assertTrue(failed.getCause() instanceof WebSocketHandshakeException, "not refused at the handshake: " + failed.getCause());
        return ((WebSocketHandshakeException) failed.getCause()).getResponse();
    }
}
