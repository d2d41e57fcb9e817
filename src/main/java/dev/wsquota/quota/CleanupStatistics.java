package dev.wsquota.quota;

/**
 * The record of cleanup runs an operator reads to know the cleanup is alive: when, how long, how much, how many
 * failures.
 */
public final class CleanupStatistics {

    private long runs;
    private long lastRunMillis;
    private long lastDurationNanos;
    private int lastReclaimed;
    private int lastFailures;
    private long totalReclaimed;
    private long totalFailures;
    private long consecutiveFailedRuns;

    /** Records one finished pass that started at {@code startedMillis}. */
    public synchronized void record(long startedMillis, CleanupReport report) {
        runs++;
        lastRunMillis = startedMillis;
        lastDurationNanos = report.durationNanos();
        lastReclaimed = report.reclaimed();
        lastFailures = report.failures();
        totalReclaimed += report.reclaimed();
        totalFailures += report.failures();
        consecutiveFailedRuns = report.failures() > 0 ? consecutiveFailedRuns + 1 : 0;
    }

    /** Records a pass that could not run at all; it counts as one failure. */
    public synchronized void recordAborted(long startedMillis) {
        runs++;
        lastRunMillis = startedMillis;
        lastReclaimed = 0;
        lastFailures = 1;
        totalFailures++;
        consecutiveFailedRuns++;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(runs, lastRunMillis, lastDurationNanos / 1_000_000, lastReclaimed, lastFailures,
                totalReclaimed, totalFailures, consecutiveFailedRuns);
    }

    /**
     * A consistent copy of the statistics.
     *
     * @param runs                   passes since start
     * @param lastRunMillis          start of the last pass in epoch milliseconds, 0 if none ran yet
     * @param lastDurationMillis     duration of the last pass in milliseconds
     * @param lastReclaimed          slots the last pass gave back
     * @param lastFailures           managers the last pass failed to clean
     * @param totalReclaimed         slots given back by all passes
     * @param totalFailures          managers that failed to clean, over all passes
     * @param consecutiveFailedRuns  passes in a row, up to the last, that had a failure
     */
    public record Snapshot(long runs, long lastRunMillis, long lastDurationMillis, int lastReclaimed, int lastFailures,
                           long totalReclaimed, long totalFailures, long consecutiveFailedRuns) {
    }
}
