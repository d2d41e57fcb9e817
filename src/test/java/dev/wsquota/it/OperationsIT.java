package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.OpsHttp;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MicroProfile Health and Metrics as a probe and Prometheus see them: anonymous HTTP to 127.0.0.1, checked
 * against real WebSocket traffic and the MXBean.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT extends ClientSideItBase {

    /** Every wsquota metric the README lists, with one tag value each where it has a tag. */
    private static final List<List<String>> DOCUMENTED = List.of(
            List.of("wsquota_managers_active"), List.of("wsquota_users_active"), List.of("wsquota_admissions"),
            List.of("wsquota_rejections", "reason", "user_quota"),
                    List.of("wsquota_rejections", "reason", "total_quota"),
            List.of("wsquota_rejections", "reason", "unavailable"),
            List.of("wsquota_releases", "cause", "close"), List.of("wsquota_releases", "cause", "error"),
            List.of("wsquota_releases", "cause", "idle"), List.of("wsquota_releases", "cause", "stale"),
            List.of("wsquota_releases", "cause", "pong_timeout"), List.of("wsquota_releases", "cause", "evicted"),
            List.of("wsquota_releases", "cause", "admin"), List.of("wsquota_releases", "cause", "drift"),
            List.of("wsquota_releases", "cause", "shutdown"),
            List.of("wsquota_guard_refusals", "kind", "origin"), List.of("wsquota_guard_refusals", "kind", "user_id"),
            List.of("wsquota_guard_refusals", "kind", "message_too_big"),
                    List.of("wsquota_guard_refusals", "kind", "binary"),
            List.of("wsquota_guard_refusals", "kind", "rate"), List.of("wsquota_guard_refusals", "kind", "protocol"),
            List.of("wsquota_cleanup_runs"), List.of("wsquota_cleanup_duration_seconds"),
                    List.of("wsquota_cleanup_failures"),
            List.of("wsquota_drift_corrections"),
            List.of("wsquota_rejections", "reason", "draining"), List.of("wsquota_releases", "cause", "drained"),
            List.of("wsquota_draining"),
            List.of("wsquota_inbound_messages"), List.of("wsquota_inbound_busy"),
                    List.of("wsquota_inbound_handler_errors"),
            List.of("wsquota_inbound_forward_timeouts"), List.of("wsquota_inbound_forward_failures"),
            List.of("wsquota_inbound_forward_late"), List.of("wsquota_inbound_inflight"));

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("operations");
    }

    @Tag("portable") // also runs on WildFly (-Pwildfly), where health is on the management port
    @Test
    void readinessIsUpAndItsDataSaysWhy() {
        long runs = mxbean.getCleanupRuns();
        Await.until("a cleanup pass", Duration.ofSeconds(15), mxbean::getCleanupRuns, r -> r > runs);
        HttpResponse<String> ready = OpsHttp.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        String body = ready.body();
        assertTrue(body.startsWith("{\"status\":\"UP\""), body);
        assertTrue(body.contains("{\"name\":\"wsquota-cleanup\",\"status\":\"UP\""), body);
        assertTrue(body.contains("\"timerActive\":true"), body);
        assertTrue(body.contains("\"cleanupLate\":false"), body);
        assertTrue(body.contains("\"cleanupIntervalSeconds\":2"), body);
        assertTrue(body.contains("\"driftCorrections\":0"), body);
        assertTrue(body.contains("\"driftRecurring\":false"), body);
        assertTrue(body.matches("(?s).*\"lastCleanupTime\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\".*"), "an ISO-8601 time: "
                + body);
        assertFalse(body.contains("\"reason\""), body);
    }

    @Tag("portable") // also runs on WildFly (-Pwildfly), where health is on the management port
    @Test
    void livenessIsUpWhileTheFactoryAnswers() {
        clients.add(WsClient.open("bob"));
        HttpResponse<String> live = OpsHttp.get("/health/live");
        assertEquals(200, live.statusCode(), live.body());
        String body = live.body();
        assertTrue(body.contains("{\"name\":\"wsquota-factory\",\"status\":\"UP\""), body);
        assertTrue(body.contains("\"activeManagers\":1"), body);
        assertTrue(body.contains("\"activeUsers\":1"), body);
        assertTrue(body.contains("\"maxManagersPerUser\":5"), body);
        assertFalse(body.contains("wsquota-cleanup"), "readiness data does not belong in liveness: " + body);
    }

    // The metrics tests are Liberty-only (not tagged "portable"): WildFly 39 has no MicroProfile Metrics
    // (MetricsNoticeIT).
    @Test
    void metricsAreScrapedAnonymouslyAsPrometheusTextWithEveryDocumentedName() {
        HttpResponse<String> scrape = OpsHttp.get("/metrics?scope=application");
        assertEquals(200, scrape.statusCode(), "an anonymous scrape, as Prometheus does: " + scrape.body());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers()
                .toString());
        List<OpsHttp.Sample> samples = OpsHttp.samples(scrape.body());
        for (List<String> metric : DOCUMENTED) {
            OpsHttp.find(samples, metric.get(0), metric.subList(1, metric.size()).toArray(String[]::new));
        }
        assertTrue(scrape.body().contains("# TYPE wsquota_managers_active gauge"), scrape.body());
        for (OpsHttp.Sample sample : samples) {
            assertFalse(sample.labels().containsKey("user"), "no metric may carry a user id: " + sample);
        }
        HttpResponse<String> all = OpsHttp.get("/metrics");
        assertEquals(200, all.statusCode());
        assertTrue(all.body().contains("wsquota_admissions{mp_scope=\"application\""),
                "the plain /metrics has them too");
    }

    @Test
    void metricsFollowAdmissionsRejectionsAndReleases() throws Exception {
        double admissions = OpsHttp.metric("wsquota_admissions");
        double userQuota = OpsHttp.metric("wsquota_rejections", "reason", "user_quota");
        double closes = OpsHttp.metric("wsquota_releases", "cause", "close");
        mxbean.setMaxManagersPerUser(2);

        clients.add(WsClient.open("carol"));
        clients.add(WsClient.open("carol"));
        clients.add(WsClient.open("dave"));
        assertEquals(3.0, OpsHttp.metric("wsquota_managers_active"));
        assertEquals(2.0, OpsHttp.metric("wsquota_users_active"));
        assertEquals(admissions + 3, OpsHttp.metric("wsquota_admissions"));

        WsClient third = WsClient.connect("carol");
        clients.add(third);
        assertEquals(1013, third.answer().close().code(), "over carol's quota of 2");
        assertEquals(userQuota + 1, OpsHttp.metric("wsquota_rejections", "reason", "user_quota"));
        assertEquals(3.0, OpsHttp.metric("wsquota_managers_active"));

        clients.get(0).close();
        Await.until("the close is counted", Duration.ofSeconds(10),
                () -> OpsHttp.metric("wsquota_releases", "cause", "close"), n -> n == closes + 1);
        assertEquals(2.0, OpsHttp.metric("wsquota_managers_active"));
        assertEquals(mxbean.getAdmissions(), (long) OpsHttp.metric("wsquota_admissions"),
                "the metric is the MXBean's number");
    }

    @Test
    void aRefusedOriginIsCountedByKind() throws Exception {
        double origin = OpsHttp.metric("wsquota_guard_refusals", "kind", "origin");
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Origin", "https://evil.example");
        try (RawWs refused = RawWs.handshake(headers)) {
            assertEquals(403, refused.status());
        }
        assertEquals(origin + 1, OpsHttp.metric("wsquota_guard_refusals", "kind", "origin"));
    }

    @Test
    void cleanupMetricsMatchTheMXBean() {
        long runs = mxbean.getCleanupRuns();
        Await.until("cleanup runs counted", Duration.ofSeconds(15),
                () -> OpsHttp.metric("wsquota_cleanup_runs"), n -> n > runs);
        assertEquals((double) mxbean.getCleanupFailures(), OpsHttp.metric("wsquota_cleanup_failures"));
        double duration = OpsHttp.metric("wsquota_cleanup_duration_seconds");
        assertTrue(duration >= 0 && duration < 5, "last cleanup took " + duration + " s");
    }
}
