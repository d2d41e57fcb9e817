package dev.wsquota.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples the server's process CPU time every 100 ms against System.nanoTime (CLOCK_MONOTONIC on
 * Linux, so comparable with timestamps taken in another JVM on this machine, e.g. Gatling's phases).
 */
final class CpuSampler {

    /** Where the CPU time comes from (the server over JMX in a run). */
    interface CpuClock {
        long cpuNanos() throws Exception;
    }

    private final CpuClock server;
    private final List<long[]> samples = new ArrayList<>(); // {nanoTime, cpuNanos}
    private volatile boolean running;
    private Thread thread;

    CpuSampler(CpuClock server) {
        this.server = server;
    }

    /** Adds a sample (the sampling thread does this every 100 ms). */
    void record(long nanoTime, long cpuNanos) {
        synchronized (samples) {
            samples.add(new long[] {nanoTime, cpuNanos});
        }
    }

    void start() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                try {
                    long cpu = server.cpuNanos();
                    record(System.nanoTime(), cpu);
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a missed sample only widens the interpolation
                }
            }
        }, "cpu-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(2000);
    }

    /** Server CPU nanoseconds used between two nanoTime instants (linear between samples); -1 if not covered. */
    double between(long from, long to) {
        synchronized (samples) {
            double a = at(from);
            double b = at(to);
            return a < 0 || b < 0 ? -1 : b - a;
        }
    }

    private double at(long time) {
        for (int i = 1; i < samples.size(); i++) {
            long[] lo = samples.get(i - 1);
            long[] hi = samples.get(i);
            if (lo[0] <= time && time <= hi[0]) {
                double f = hi[0] == lo[0] ? 0 : (double) (time - lo[0]) / (hi[0] - lo[0]);
                return lo[1] + f * (hi[1] - lo[1]);
            }
        }
        return -1;
    }
}
