package dev.wsquota.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Per key, lets the first event of a window through at once and folds the others of that window into one count,
 * with the first and the last of them, so a loop cannot flood a log or an operator's JConsole. Every event is either
 * let through or in exactly one {@link Folded}: the one handed back when the key's next event is let through, or by
 * {@link #ended()} or {@link #drain()}, whichever comes first.
 *
 * @param <E> what is kept of a folded event (the summary shows the first and the last)
 */
public final class PerKeyWindow<E> {

    /** The events of one key folded since its last one let through. */
    public record Folded<E>(String key, long count, E first, E last) {
    }

    private final long windowMillis;
    private final LongSupplier clock;
    private final int maxKeys;
    private final Map<String, Window<E>> windows = new ConcurrentHashMap<>();

    /**
     * @param maxKeys keys remembered at most; beyond it, those whose window has passed are forgotten with their count
     */
    public PerKeyWindow(long windowMillis, LongSupplier clock, int maxKeys) {
        this.windowMillis = windowMillis;
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /**
     * Empty if the event falls in its key's open window and was folded; else the event goes through, and opens a
     * window, with what was folded since the key's last event let through (a count of 0 when nothing was).
     */
    public Optional<Folded<E>> offer(String key, E event) {
        long now = clock.getAsLong();
        if (windows.size() > maxKeys) {
            windows.values().removeIf(window -> window.endedBy(now, windowMillis));
        }
        Window<E> window = windows.computeIfAbsent(key, k -> new Window<>());
        synchronized (window) {
            if (window.openedMillis != Long.MIN_VALUE && !window.endedBy(now, windowMillis)) {
                window.fold(event);
                return Optional.empty();
            }
            window.openedMillis = now;
            return Optional.of(window.take(key));
        }
    }

    /** What was folded in windows that have ended, each handed out once. */
    public List<Folded<E>> ended() {
        long now = clock.getAsLong();
        return collect(window -> window.endedBy(now, windowMillis));
    }

    /** Everything folded so far, whether its window has ended or not (when the application stops). */
    public List<Folded<E>> drain() {
        return collect(window -> true);
    }

    private List<Folded<E>> collect(Predicate<Window<E>> due) {
        List<Folded<E>> folded = new ArrayList<>();
        windows.forEach((key, window) -> {
            synchronized (window) {
                if (window.count > 0 && due.test(window)) {
                    folded.add(window.take(key));
                }
            }
        });
        return folded;
    }

    /** One key's window; guarded by itself. */
    private static final class Window<E> {
        long openedMillis = Long.MIN_VALUE;
        long count;
        E first;
        E last;

        boolean endedBy(long now, long windowMillis) {
            return now - openedMillis >= windowMillis;
        }

        void fold(E event) {
            if (count == 0) {
                first = event;
            }
            count++;
            last = event;
        }

        Folded<E> take(String key) {
            Folded<E> folded = new Folded<>(key, count, first, last);
            count = 0;
            first = null;
            last = null;
            return folded;
        }
    }
}
