package dev.wsquota.bench;

import java.lang.management.ManagementFactory;

/**
 * Where a window's CPU went on this shared machine: the server process and this driver, in cores used on
 * average, so a latency measured while both compete can be read against who was using the cores.
 */
final class CpuSplit {

    private final CpuSampler.CpuClock server;
    private long wallNanos;
    private long serverNanos;
    private long driverNanos;
    private long[] open;

    CpuSplit(CpuSampler.CpuClock server) {
        this.server = server;
    }

    /** Starts a window. */
    void begin() throws Exception {
        open = new long[] {System.nanoTime(), server.cpuNanos(), driverCpuNanos()};
    }

    /** Ends the window begun last and adds it to the totals. */
    void end() throws Exception {
        long[] start = open;
        open = null;
        wallNanos += System.nanoTime() - start[0];
        serverNanos += server.cpuNanos() - start[1];
        driverNanos += driverCpuNanos() - start[2];
    }

    /** Average cores the server used over all windows. */
    double serverCores() {
        return wallNanos == 0 ? 0 : (double) serverNanos / wallNanos;
    }

    /** Average cores this driver JVM used over all windows. */
    double driverCores() {
        return wallNanos == 0 ? 0 : (double) driverNanos / wallNanos;
    }

    static long driverCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
