package dev.wsquota.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * The run's settings: system properties {@code bench.*} with defaults; every value read is remembered for RESULTS.md.
 */
public final class Props {

    private static final Map<String, String> USED = new TreeMap<>();

    private Props() {
    }

    public static synchronized int integer(String key, int fallback) {
        String raw = System.getProperty(key);
        int value = raw == null || raw.isBlank() ? fallback : Integer.parseInt(raw.trim());
        USED.put(key, Integer.toString(value));
        return value;
    }

    public static synchronized double decimal(String key, double fallback) {
        String raw = System.getProperty(key);
        double value = raw == null || raw.isBlank() ? fallback : Double.parseDouble(raw.trim());
        USED.put(key, Double.toString(value));
        return value;
    }

    public static synchronized String text(String key, String fallback) {
        String raw = System.getProperty(key);
        String value = raw == null || raw.isBlank() ? fallback : raw.trim();
        USED.put(key, value);
        return value;
    }

    /** Every setting read so far, sorted by key. */
    public static synchronized Map<String, String> used() {
        return new TreeMap<>(USED);
    }
}
