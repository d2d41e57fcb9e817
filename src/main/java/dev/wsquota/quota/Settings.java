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
 */
public record Settings(int maxManagersPerUser, int maxManagersTotal, int cleanupIntervalSeconds, int idleTimeoutSeconds) {

    public static final String MAX_MANAGERS_PER_USER = "wsquota.max-managers-per-user";
    public static final String MAX_MANAGERS_TOTAL = "wsquota.max-managers-total";
    public static final String CLEANUP_INTERVAL_SECONDS = "wsquota.cleanup-interval-seconds";
    public static final String IDLE_TIMEOUT_SECONDS = "wsquota.idle-timeout-seconds";

    /** Shortest and longest cleanup interval accepted: 1 second to 1 day. */
    public static final int MIN_INTERVAL_SECONDS = 1;
    public static final int MAX_INTERVAL_SECONDS = 86_400;

    public Settings {
        QuotaLimits.checkQuota(MAX_MANAGERS_PER_USER, maxManagersPerUser);
        QuotaLimits.checkQuota(MAX_MANAGERS_TOTAL, maxManagersTotal);
        checkInterval(CLEANUP_INTERVAL_SECONDS, cleanupIntervalSeconds);
        checkIdleTimeout(IDLE_TIMEOUT_SECONDS, idleTimeoutSeconds);
    }

    /** Reads every key through {@code lookup} (raw text or empty), using the default where a key is absent. */
    public static Settings load(Function<String, Optional<String>> lookup) {
        return new Settings(
                intValue(lookup, MAX_MANAGERS_PER_USER, 5),
                intValue(lookup, MAX_MANAGERS_TOTAL, 10_000),
                intValue(lookup, CLEANUP_INTERVAL_SECONDS, 30),
                intValue(lookup, IDLE_TIMEOUT_SECONDS, 300));
    }

    /** Refuses an interval outside [1 s, 1 day]. */
    public static int checkInterval(String what, int seconds) {
        if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException(what + " must be between " + MIN_INTERVAL_SECONDS + " and "
                    + MAX_INTERVAL_SECONDS + " seconds, was " + seconds);
        }
        return seconds;
    }

    /** Refuses an idle timeout outside [0 (never), 1 day]. */
    public static int checkIdleTimeout(String what, int seconds) {
        if (seconds != 0) {
            checkInterval(what + " (0 = never)", seconds);
        }
        return seconds;
    }

    private static int intValue(Function<String, Optional<String>> lookup, String key, int fallback) {
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
