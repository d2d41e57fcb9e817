package dev.wsquota.ops;

import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What readiness is decided on, read from the factory in one go, and the decision itself: a plain
 * record so the rule is unit-tested without a container.
 *
 * @param missingTimers               the timers missing from the container ("cleanup", "ping sweep"), or empty
 * @param timerError                  why a timer could not be created, or empty
 * @param cleanupLate                 the last cleanup pass is older than twice the interval
 * @param cleanupIntervalSeconds      the configured cleanup interval
 * @param lastCleanupTime             start of the last pass, null if none ran yet
 * @param nextCleanupTime             when the timer fires next, null if there is no timer
 * @param consecutiveCleanupFailures  passes in a row, up to the last, that had a failure
 * @param driftCorrections            registry/container disagreements fixed since start
 * @param driftRecurring              drift corrections keep occurring (the factory's rule)
 * @param activeManagers              managers holding a slot now
 */
public record CleanupHealth(List<String> missingTimers, String timerError, boolean cleanupLate,
        long cleanupIntervalSeconds,
                            Date lastCleanupTime, Date nextCleanupTime, long consecutiveCleanupFailures,
                            long driftCorrections, boolean driftRecurring, long activeManagers) {

    /** The name of the readiness check in /health/ready. */
    public static final String CHECK_NAME = "wsquota-cleanup";

    public CleanupHealth {
        missingTimers = List.copyOf(missingTimers);
    }

    /** True while the cleanup and the ping sweep timer both exist in the container. */
    public boolean timerActive() {
        return missingTimers.isEmpty();
    }

    /** The reasons readiness is DOWN; empty when it is UP. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!timerActive()) {
            problems.add(String.join(" and ", missingTimers) + (missingTimers.size() == 1 ? " timer" : " timers")
                    + " missing" + (timerError == null || timerError.isEmpty() ? "" : ": " + timerError));
        }
        if (cleanupLate) {
            problems.add("cleanup late: last pass at " + iso(lastCleanupTime) + ", interval " + cleanupIntervalSeconds
                    + " s");
        }
        if (driftRecurring) {
            problems.add("drift corrections keep occurring (" + driftCorrections + " since start)");
        }
        return problems;
    }

    /** UP when both timers exist, the cleanup is on time and drift is not recurring; the data says why either way. */
    public HealthCheckResponse toResponse() {
        List<String> problems = problems();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("timerActive", timerActive());
        data.put("cleanupLate", cleanupLate);
        data.put("cleanupIntervalSeconds", cleanupIntervalSeconds);
        data.put("lastCleanupTime", iso(lastCleanupTime));
        data.put("nextCleanupTime", iso(nextCleanupTime));
        data.put("consecutiveCleanupFailures", consecutiveCleanupFailures);
        data.put("driftCorrections", driftCorrections);
        data.put("driftRecurring", driftRecurring);
        data.put("activeManagers", activeManagers);
        if (!problems.isEmpty()) {
            data.put("reason", String.join("; ", problems));
        }
        return new HealthCheckResponse(CHECK_NAME,
                problems.isEmpty() ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                        Optional.of(data));
    }

    /** ISO-8601 UTC, or "never" for a missing time. */
    static String iso(Date time) {
        return time == null ? "never" : time.toInstant().toString();
    }
}
