package dev.wsquota.jconsole.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-second rates between two successive snapshots: the MXBean reports counts since start, an operator wants
 * "how many now". A counter that went down (the application restarted) counts as a new start: its rate is 0.
 *
 * @param seconds            the time between the two snapshots
 * @param admissions         admissions per second
 * @param limitHits          limit hits (refused at a quota) per second
 * @param rejectionsByReason rejections per second by reason
 * @param releasesByCause    releases per second by cause
 */
public record Rates(double seconds, double admissions, double limitHits, Map<String, Double> rejectionsByReason,
                    Map<String, Double> releasesByCause) {

    /** Before the second snapshot: no rate is known. */
    public static final Rates UNKNOWN = new Rates(0, 0, 0, Map.of(), Map.of());

    public static Rates between(Snapshot before, Snapshot after) {
        double seconds = (after.takenAtMillis() - before.takenAtMillis()) / 1000.0;
        if (before == after || seconds <= 0) {
            return UNKNOWN;
        }
        return new Rates(seconds, rate(before.admissions(), after.admissions(), seconds),
                rate(before.limitHits(), after.limitHits(), seconds),
                rates(before.rejectionsByReason(), after.rejectionsByReason(), seconds),
                rates(before.releasesByCause(), after.releasesByCause(), seconds));
    }

    public boolean known() {
        return seconds > 0;
    }

    /** Rejections of all reasons per second. */
    public double rejections() {
        return rejectionsByReason.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static double rate(long before, long after, double seconds) {
        return after < before ? 0 : (after - before) / seconds;
    }

    private static Map<String, Double> rates(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> rates = new TreeMap<>();
        after.forEach((key, count) -> rates.put(key, rate(before.getOrDefault(key, 0L), count, seconds)));
        return rates;
    }
}
