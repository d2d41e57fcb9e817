package dev.wsquota.ops;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readiness rule: DOWN exactly when the timer is missing, the cleanup is late or drift recurs, and the data says
 * which.
 */
class CleanupHealthTest {

    private static final Date LAST = new Date(1_700_000_000_000L);
    private static final Date NEXT = new Date(1_700_000_002_000L);

    private static CleanupHealth health(boolean timerActive, String timerError, boolean late, boolean driftRecurring) {
        return new CleanupHealth(timerActive ? List.of() : List.of("cleanup"), timerError, late, 2, LAST, NEXT, 0,
                driftRecurring ? 7 : 0, driftRecurring, 3);
    }

    private static Map<String, Object> data(HealthCheckResponse response) {
        return response.getData().orElseThrow();
    }

    @Test
    void healthyIsUpWithTheFactsAndNoReason() {
        HealthCheckResponse response = health(true, "", false, false).toResponse();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("wsquota-cleanup", response.getName());
        Map<String, Object> data = data(response);
        assertEquals(true, data.get("timerActive"));
        assertEquals(false, data.get("cleanupLate"));
        assertEquals("2023-11-14T22:13:20Z", data.get("lastCleanupTime"));
        assertEquals("2023-11-14T22:13:22Z", data.get("nextCleanupTime"));
        assertEquals(0L, data.get("driftCorrections"));
        assertEquals(3L, data.get("activeManagers"));
        assertFalse(data.containsKey("reason"));
    }

    @Test
    void aMissingTimerIsDownAndSaysWhy() {
        HealthCheckResponse response = health(false, "javax.ejb.EJBException: no timer", false, false).toResponse();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals(false, data(response).get("timerActive"));
        assertEquals("cleanup timer missing: javax.ejb.EJBException: no timer", data(response).get("reason"));
    }

    @Test
    void theReasonNamesWhichTimerIsMissing() {
        CleanupHealth sweep = new CleanupHealth(List.of("ping sweep"), "", false, 2, LAST, NEXT, 0, 0, false, 3);
        assertEquals(HealthCheckResponse.Status.DOWN, sweep.toResponse().getStatus());
        assertEquals(false, data(sweep.toResponse()).get("timerActive"));
        assertEquals("ping sweep timer missing", data(sweep.toResponse()).get("reason"));
        CleanupHealth both = new CleanupHealth(List.of("cleanup", "ping sweep"), "", false, 2, LAST, NEXT, 0, 0, false,
                3);
        assertEquals("cleanup and ping sweep timers missing", data(both.toResponse()).get("reason"));
    }

    @Test
    void aLateCleanupIsDown() {
        HealthCheckResponse response = health(true, "", true, false).toResponse();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("cleanup late: last pass at 2023-11-14T22:13:20Z, interval 2 s", data(response).get("reason"));
    }

    @Test
    void recurringDriftIsDown() {
        HealthCheckResponse response = health(true, "", false, true).toResponse();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals(7L, data(response).get("driftCorrections"));
        assertEquals("drift corrections keep occurring (7 since start)", data(response).get("reason"));
    }

    @Test
    void everyProblemIsListedAndMissingTimesReadNever() {
        CleanupHealth health = new CleanupHealth(List.of("cleanup"), "", true, 60, null, null, 4, 9, true, 0);
        HealthCheckResponse response = health.toResponse();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals(3, health.problems().size());
        assertEquals("never", data(response).get("lastCleanupTime"));
        assertEquals("never", data(response).get("nextCleanupTime"));
        assertEquals(4L, data(response).get("consecutiveCleanupFailures"));
        assertTrue(((String) data(response).get("reason")).startsWith("cleanup timer missing; cleanup late"));
    }
}
