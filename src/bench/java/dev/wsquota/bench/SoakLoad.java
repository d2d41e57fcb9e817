package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's JMX load beside the soak's churn: a forced cleanup every 0.5 s, the cleanup interval cycled through
 * 1, 3, 2, 5 s every 3 s, and every user's count sampled every 1 s (a count above the quota is an over-admission).
 */
final class SoakLoad {

    private static final int[] INTERVALS = {1, 3, 2, 5};

    final AtomicLong forced = new AtomicLong();
    final AtomicLong forcedReclaimed = new AtomicLong();
    final AtomicLong intervalChanges = new AtomicLong();
    final AtomicLong samples = new AtomicLong();
    final AtomicLong sampledOverQuota = new AtomicLong();
    final AtomicInteger sampledHighest = new AtomicInteger();
    final AtomicLong jmxErrors = new AtomicLong();
    private final AtomicInteger tick = new AtomicInteger();
    private final ManagerFactoryMXBean factory;
    private final int quota;
    private final ScheduledExecutorService jmx = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-jmx");
        t.setDaemon(true);
        return t;
    });

    private SoakLoad(ManagerFactoryMXBean factory, int quota) {
        this.factory = factory;
        this.quota = quota;
    }

    static SoakLoad start(ManagerFactoryMXBean factory, int quota) {
        SoakLoad load = new SoakLoad(factory, quota);
        load.jmx.scheduleWithFixedDelay(load::once, 250, 500, TimeUnit.MILLISECONDS);
        return load;
    }

    private void once() {
        try {
            int n = tick.incrementAndGet();
            forcedReclaimed.addAndGet(factory.forceCleanup());
            forced.incrementAndGet();
            if (n % 6 == 0) {
                factory.setCleanupIntervalSeconds(INTERVALS[(n / 6) % INTERVALS.length]);
                intervalChanges.incrementAndGet();
            }
            if (n % 2 == 0) {
                for (int count : factory.getUserManagerCounts().values()) {
                    sampledHighest.accumulateAndGet(count, Math::max);
                    if (count > quota) {
                        sampledOverQuota.incrementAndGet();
                    }
                }
                samples.incrementAndGet();
            }
        } catch (Exception e) {
            jmxErrors.incrementAndGet(); // counted and reported in the soak's table
        }
    }

    void stop() throws InterruptedException {
        jmx.shutdown();
        jmx.awaitTermination(30, TimeUnit.SECONDS);
    }
}
