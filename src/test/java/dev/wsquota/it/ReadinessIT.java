package dev.wsquota.it;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.TimerWatchdog;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.OpsHttp;
import dev.wsquota.it.support.TimerProbe;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.ejb.EJB;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness goes DOWN (HTTP 503, with the reason) when the cleanup timer is lost, and UP again once the
 * watchdog has re-created it. In the container, to cancel the timer as a failure would.
 */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
class ReadinessIT {

    private static final String PORT_RESOURCE = "it-http-port.txt";
    private static final int ATTEMPTS = 3;

    @Deployment
    static WebArchive deployment() {
        // The test runs in the server JVM, which does not know the health port: the archive carries it.
        return Deployments.product("readiness").addClasses(TimerProbe.class, Await.class)
                .addAsResource(new StringAsset(OpsHttp.healthPort()), PORT_RESOURCE);
    }

    @EJB
    private TimerProbe timers;

    @EJB
    private TimerWatchdog watchdog;

    @Test
    void aLostCleanupTimerMakesReadinessDownUntilTheWatchdogHealsIt() throws Exception {
        assertEquals(200, ready().statusCode(), "healthy at first");

        // The watchdog (every 2 s) may re-create the timer between the cancel and the GET; then try again.
        HttpResponse<String> down = null;
        for (int attempt = 1; attempt <= ATTEMPTS && down == null; attempt++) {
            Await.until("both timers present before cancelling", Duration.ofSeconds(10), watchdog::isTimerActive, a ->
                    a);
            assertEquals(1, timers.cancel(ManagerFactory.CLEANUP_TIMER));
            HttpResponse<String> response = ready();
            if (response.statusCode() == 503) {
                down = response;
            }
        }
        assertNotNull(down, "readiness never answered 503 in " + ATTEMPTS
                + " attempts right after the cleanup timer was cancelled");
        String body = down.body();
        assertTrue(body.startsWith("{\"status\":\"DOWN\""), body);
        assertTrue(body.contains("{\"name\":\"wsquota-cleanup\",\"status\":\"DOWN\""), body);
        assertTrue(body.contains("\"timerActive\":false"), body);
        assertTrue(body.contains("\"nextCleanupTime\":\"never\""), body);
        assertTrue(body.contains("\"reason\":\"cleanup timer missing\""), body);

        HttpResponse<String> healed = Await.until("readiness UP after the watchdog re-created the timer",
                Duration.ofSeconds(15), ReadinessIT::ready, response -> response.statusCode() == 200);
        assertTrue(healed.body().contains("\"timerActive\":true"), healed.body());
    }

    private static HttpResponse<String> ready() {
        try (InputStream in = ReadinessIT.class.getClassLoader().getResourceAsStream(PORT_RESOURCE)) {
            assertNotNull(in, PORT_RESOURCE + " missing from the test archive");
            String port = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET /health/ready failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during GET /health/ready", e);
        }
    }
}
