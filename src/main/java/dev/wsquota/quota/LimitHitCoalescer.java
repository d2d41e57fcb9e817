package dev.wsquota.quota;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets at most one limit-hit notification per user per window through and counts the rest, so a
 * client hammering at its quota cannot flood an operator's JConsole.
 */
public final class LimitHitCoalescer {

    /** Users remembered at most; beyond it, entries whose window has passed are dropped. */
    static final int MAX_TRACKED_USERS = 10_000;

    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LimitHitCoalescer(long windowMillis, LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Records a hit; returns -1 if it is to be suppressed, else the number of hits of this user that
     * were suppressed since the last one let through.
     */
    public long hit(String user) {
        long now = clock.getAsLong();
        if (windows.size() > MAX_TRACKED_USERS) {
            windows.values().removeIf(window -> now - window.openedMillis >= windowMillis);
        }
        Window window = windows.computeIfAbsent(user, u -> new Window());
        synchronized (window) {
            if (window.openedMillis != Long.MIN_VALUE && now - window.openedMillis < windowMillis) {
                window.suppressed++;
                return -1;
            }
            long suppressed = window.suppressed;
            window.openedMillis = now;
            window.suppressed = 0;
            return suppressed;
        }
    }

    private static final class Window {
        long openedMillis = Long.MIN_VALUE;
        long suppressed;
    }
}
