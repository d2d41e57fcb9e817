package dev.wsquota.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * When this load client itself stopped running: a thread that sleeps 50 ms at a time records every wake-up more than
 * {@value #STALL_MILLIS} ms late (the whole JVM was paused or starved of CPU), and the GC time of the window. A client
 * that is stalled cannot answer a ping, however alive its connections are; the soak says which false kills fell in one.
 */
final class ClientStalls implements AutoCloseable {

    static final long STALL_MILLIS = 500;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One stall: it ended at {@code endNanos} (System.nanoTime) and lasted {@code nanos} beyond the tick. */
    record Stall(long endNanos, long nanos) {
    }

    private final ConcurrentLinkedQueue<Stall> stalls = new ConcurrentLinkedQueue<>();
    private final long gcMillisAtStart = gcMillis();
    private final Thread watcher;
    private volatile boolean running = true;

    ClientStalls() {
        watcher = new Thread(this::watch, "client-stall-watcher");
        watcher.setDaemon(true);
        watcher.setPriority(Thread.MAX_PRIORITY);
        watcher.start();
    }

    private void watch() {
        while (running) {
            long before = System.nanoTime();
            try {
                Thread.sleep(TICK_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                return; // closed
            }
            long after = System.nanoTime();
            long late = after - before - TICK_NANOS;
            if (late > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                stalls.add(new Stall(after, late));
            }
        }
    }

    List<Stall> stalls() {
        return List.copyOf(stalls);
    }

    /** The longest stall that overlapped [fromNanos, toNanos], in ms; 0 if none did. */
    long longestBetween(long fromNanos, long toNanos) {
        long longest = 0;
        for (Stall s : stalls) {
            if (s.endNanos() >= fromNanos && s.endNanos() - s.nanos() <= toNanos) {
                longest = Math.max(longest, s.nanos() / 1_000_000);
            }
        }
        return longest;
    }

    long longestMillis() {
        return stalls.stream().mapToLong(Stall::nanos).max().orElse(0) / 1_000_000;
    }

    long gcMillisSinceStart() {
        return gcMillis() - gcMillisAtStart;
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
