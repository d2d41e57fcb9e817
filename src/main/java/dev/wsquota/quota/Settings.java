package dev.wsquota.quota;

import java.util.Optional;
import java.util.function.Function;

/**
 * wsquota's configuration keys, their defaults and their bounds. Loading fails with a message naming
 * the key, the value and what is allowed, so a typo never runs with a silently different number.
 *
 * @param maxManagersPerUser     {@code wsquota.max-managers-per-user}
 * @param maxManagersTotal       {@code wsquota.max-managers-total}
 * @param cleanupIntervalSeconds {@code wsquota.cleanup-interval-seconds}
 * @param idleTimeoutSeconds     {@code wsquota.idle-timeout-seconds} (0 = never)
 * @param pingIntervalSeconds    {@code wsquota.ping-interval-seconds} (0 = no pings)
 * @param pongTimeoutSeconds     {@code wsquota.pong-timeout-seconds}
 * @param probeAfterSeconds      {@code wsquota.probe-after-seconds}
 * @param probeTimeoutMillis     {@code wsquota.probe-timeout-millis}
 * @param onLimit                {@code wsquota.on-limit}
 * @param drainSeconds           {@code wsquota.drain-seconds}
 */
public record Settings(int maxManagersPerUser, int maxManagersTotal, int cleanupIntervalSeconds, int idleTimeoutSeconds,
                       int pingIntervalSeconds, int pongTimeoutSeconds, int probeAfterSeconds, int probeTimeoutMillis,
                       OnLimitPolicy onLimit, int drainSeconds) {

    public static final String MAX_MANAGERS_PER_USER = "wsquota.max-managers-per-user";
    public static final String MAX_MANAGERS_TOTAL = "wsquota.max-managers-total";
    public static final String CLEANUP_INTERVAL_SECONDS = "wsquota.cleanup-interval-seconds";
    public static final String IDLE_TIMEOUT_SECONDS = "wsquota.idle-timeout-seconds";
    public static final String PING_INTERVAL_SECONDS = "wsquota.ping-interval-seconds";
    public static final String PONG_TIMEOUT_SECONDS = "wsquota.pong-timeout-seconds";
    public static final String PROBE_AFTER_SECONDS = "wsquota.probe-after-seconds";
    public static final String PROBE_TIMEOUT_MILLIS = "wsquota.probe-timeout-millis";
    public static final String ON_LIMIT = "wsquota.on-limit";
    public static final String DRAIN_SECONDS = "wsquota.drain-seconds";

    /** Shortest and longest interval accepted: 1 second to 1 day. */
    public static final int MIN_INTERVAL_SECONDS = 1;
    public static final int MAX_INTERVAL_SECONDS = 86_400;
    /** Longest probe accepted: a new connection waits at most this long for its answer. */
    public static final int MAX_PROBE_TIMEOUT_MILLIS = 30_000;
    /** Longest drain accepted: an hour, far beyond any orchestrator's grace period before it kills the server. */
    public static final int MAX_DRAIN_SECONDS = 3_600;

    public Settings {
        QuotaLimits.checkQuota(MAX_MANAGERS_PER_USER, maxManagersPerUser);
        QuotaLimits.checkQuota(MAX_MANAGERS_TOTAL, maxManagersTotal);
        checkInterval(CLEANUP_INTERVAL_SECONDS, cleanupIntervalSeconds);
        checkIntervalOrZero(IDLE_TIMEOUT_SECONDS, idleTimeoutSeconds);
        checkIntervalOrZero(PING_INTERVAL_SECONDS, pingIntervalSeconds);
        checkInterval(PONG_TIMEOUT_SECONDS, pongTimeoutSeconds);
        checkIntervalOrZero(PROBE_AFTER_SECONDS, probeAfterSeconds);
        checkProbeTimeout(PROBE_TIMEOUT_MILLIS, probeTimeoutMillis);
        if (onLimit == null) {
            throw new IllegalArgumentException(ON_LIMIT + " must be set");
        }
        checkDrainSeconds(DRAIN_SECONDS, drainSeconds);
    }

    /**
     * Written out, not generated: on Java 17 the generated toString of a record with a component of an application
     * type leaves that type in a JDK-wide cache (java.lang.runtime.ObjectMethods), which kept the last undeployed
     * version of the application loaded until another record's toString replaced it. This one is logged at every start.
     */
    @Override
    public String toString() {
        return "Settings[maxManagersPerUser=" + maxManagersPerUser + ", maxManagersTotal=" + maxManagersTotal
                + ", cleanupIntervalSeconds=" + cleanupIntervalSeconds + ", idleTimeoutSeconds=" + idleTimeoutSeconds
                + ", pingIntervalSeconds=" + pingIntervalSeconds + ", pongTimeoutSeconds=" + pongTimeoutSeconds
                + ", probeAfterSeconds=" + probeAfterSeconds + ", probeTimeoutMillis=" + probeTimeoutMillis
                + ", onLimit=" + onLimit + ", drainSeconds=" + drainSeconds + "]";
    }

    /** Reads every key through {@code lookup} (raw text or empty), using the default where a key is absent. */
    public static Settings load(Function<String, Optional<String>> lookup) {
        return new Settings(
                intValue(lookup, MAX_MANAGERS_PER_USER, 5),
                intValue(lookup, MAX_MANAGERS_TOTAL, 10_000),
                intValue(lookup, CLEANUP_INTERVAL_SECONDS, 30),
                intValue(lookup, IDLE_TIMEOUT_SECONDS, 300),
                intValue(lookup, PING_INTERVAL_SECONDS, 20),
                intValue(lookup, PONG_TIMEOUT_SECONDS, 10),
                intValue(lookup, PROBE_AFTER_SECONDS, 0),
                intValue(lookup, PROBE_TIMEOUT_MILLIS, 5_000),
                OnLimitPolicy.parse(ON_LIMIT, lookup.apply(ON_LIMIT).filter(v -> !v.isBlank()).orElse("reject")),
                intValue(lookup, DRAIN_SECONDS, 30));
    }

    /** Refuses an interval outside [1 s, 1 day]. */
    public static int checkInterval(String what, int seconds) {
        if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException(what + " must be between " + MIN_INTERVAL_SECONDS + " and "
                    + MAX_INTERVAL_SECONDS + " seconds, was " + seconds);
        }
        return seconds;
    }

    /** Refuses a value outside [0 (off), 1 day]. */
    public static int checkIntervalOrZero(String what, int seconds) {
        if (seconds != 0) {
            checkInterval(what + " (0 = off)", seconds);
        }
        return seconds;
    }

    /** Refuses a probe timeout outside [1 ms, 30 s]. */
    public static int checkProbeTimeout(String what, int millis) {
        if (millis < 1 || millis > MAX_PROBE_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_PROBE_TIMEOUT_MILLIS
                    + " milliseconds, was " + millis);
        }
        return millis;
    }

    /** Refuses a drain window outside [1 s, 1 hour]. */
    public static int checkDrainSeconds(String what, int seconds) {
        if (seconds < 1 || seconds > MAX_DRAIN_SECONDS) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_DRAIN_SECONDS + " seconds, was "
                    + seconds);
        }
        return seconds;
    }

    /**
     * A whole-number key, or the fallback where it is absent or blank; refuses anything else with the key and the
     * value.
     */
    public static int intValue(Function<String, Optional<String>> lookup, String key, int fallback) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + raw.get() + "'", e);
        }
    }
}
