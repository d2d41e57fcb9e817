package dev.wsquota.web;

import dev.wsquota.util.WeakLogger;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs server-side closes a few at a time, on threads of their own. Liberty's close from a thread other than the
 * connection's reader waits until the pending read is cancelled, and the cancel completes on a thread of the shared
 * executor: closes that take the shared threads wait for callbacks with no thread left to run on. A close to a peer
 * that does not read can block for a long time, so while closes wait and none has finished for a second, one more
 * may run, up to a ceiling. Why, with measurements: docs/design.md.
 */
final class CloseLane implements Executor {

    private static final Logger LOG = WeakLogger.of(CloseLane.class);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Executor pool;
    private final int width;
    private final int ceiling;
    private final LongSupplier nanoClock;
    // package-private: tests read how many wait and how many run
    final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger running = new AtomicInteger();
    /** When a close last finished, or a runner started (nanoTime). */
    private final AtomicLong progress;

    CloseLane(Executor pool, int width, int ceiling) {
        this(pool, width, ceiling, System::nanoTime);
    }

    CloseLane(Executor pool, int width, int ceiling, LongSupplier nanoClock) {
        if (width < 1 || ceiling < width) {
            throw new IllegalArgumentException("need 1 <= width <= ceiling, was " + width + " and " + ceiling);
        }
        this.pool = pool;
        this.width = width;
        this.ceiling = ceiling;
        this.nanoClock = nanoClock;
        this.progress = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Queues the close; it runs on the pool as soon as a runner is free. If the pool refuses work (the application
     * is stopping), this thread runs what is queued itself: no close is left behind.
     */
    @Override
    public void execute(Runnable close) {
        queue.add(close);
        if (!claim(width) && !(stalled() && claim(ceiling))) {
            return; // a running runner takes it
        }
        progress.set(nanoClock.getAsLong());
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drain(); // counts this runner down again; other closes queued meanwhile run here too
        }
    }

    private boolean stalled() {
        long last = progress.get();
        long now = nanoClock.getAsLong();
        return now - last > STALL_NANOS && progress.compareAndSet(last, now);
    }

    private boolean claim(int limit) {
        int now;
        do {
            now = running.get();
            if (now >= limit) {
                return false;
            }
        } while (!running.compareAndSet(now, now + 1));
        return true;
    }

    private void drain() {
        do {
            for (Runnable close; (close = queue.poll()) != null; ) {
                try {
                    close.run();
                } catch (RuntimeException e) {
                    // A close handles its own failures; this one escaped it, and the lane must go on.
                    LOG.log(Level.WARNING, "a queued close failed", e);
                } finally {
                    progress.set(nanoClock.getAsLong());
                }
            }
            running.decrementAndGet();
        } while (!queue.isEmpty() && claim(ceiling)); // one queued between the last poll and the decrement
    }
}
