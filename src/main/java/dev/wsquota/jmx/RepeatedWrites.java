package dev.wsquota.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Folds repeated writes of one attribute into one audit record per window, so a script writing in a loop cannot
 * flood the log or an operator's JConsole: the first change in a window is recorded at once, the ones after it are
 * counted and handed back as one summary once the window has ended. Every change is in exactly one of the two.
 */
final class RepeatedWrites {

    /**
     * The changes of one attribute folded during one window: how many, the value before the first, the last value, and
     * who made the last.
     */
    record Summary(String attribute, long changes, Object firstOld, Object lastNew, String lastCaller,
            long windowMillis) {
    }

    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RepeatedWrites(long windowMillis, LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Returns true if this change is to be recorded on its own now, false if it was folded into its attribute's window.
     */
    boolean offer(String attribute, Object oldValue, Object newValue, String caller) {
        long now = clock.getAsLong();
        Window window = windows.computeIfAbsent(attribute, a -> new Window());
        synchronized (window) {
            if (window.openedMillis != Long.MIN_VALUE && now - window.openedMillis < windowMillis) {
                if (window.folded == 0) {
                    window.firstOld = oldValue;
                }
                window.folded++;
                window.lastNew = newValue;
                window.lastCaller = caller;
                return false;
            }
            if (window.folded > 0) {
                // Not yet handed out by due(): keep those changes in this window's count rather than lose them.
                window.folded++;
                window.lastNew = newValue;
                window.lastCaller = caller;
                return false;
            }
            window.openedMillis = now;
            return true;
        }
    }

    /** The summaries of windows that have ended with folded changes, each handed out once. */
    List<Summary> due() {
        long now = clock.getAsLong();
        List<Summary> summaries = new ArrayList<>();
        windows.forEach((attribute, window) -> {
            synchronized (window) {
                if (window.folded > 0 && now - window.openedMillis >= windowMillis) {
                    summaries.add(
                            new Summary(attribute, window.folded, window.firstOld, window.lastNew, window.lastCaller,
                            windowMillis));
                    window.folded = 0;
                    window.firstOld = null;
                    window.lastNew = null;
                    window.lastCaller = null;
                }
            }
        });
        return summaries;
    }

    /**
     * Folded changes still waiting for their window to end, for every attribute (e.g. at shutdown), each handed out
     * once.
     */
    List<Summary> all() {
        List<Summary> summaries = new ArrayList<>();
        windows.forEach((attribute, window) -> {
            synchronized (window) {
                if (window.folded > 0) {
                    summaries.add(
                            new Summary(attribute, window.folded, window.firstOld, window.lastNew, window.lastCaller,
                            windowMillis));
                    window.folded = 0;
                }
            }
        });
        return summaries;
    }

    private static final class Window {
        long openedMillis = Long.MIN_VALUE;
        long folded;
        Object firstOld;
        Object lastNew;
        String lastCaller;
    }
}
