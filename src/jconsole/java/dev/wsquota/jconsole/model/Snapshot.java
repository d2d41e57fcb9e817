package dev.wsquota.jconsole.model;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What one refresh read from the MXBean, taken off the Swing thread and handed to it whole.
 *
 * @param takenAtMillis               client clock when the read finished (rates divide by differences of it)
 * @param cluster                     the cluster view, or null when the JVM has no cluster MXBean
 * @param activeManagers              {@code ActiveManagers}
 * @param maxManagersTotal            {@code MaxManagersTotal}, the cap of all users together
 * @param activeUsers                 {@code ActiveUsers}
 * @param maxManagersPerUser          {@code MaxManagersPerUser}, the default quota
 * @param admissions                  {@code Admissions} since start
 * @param limitHits                   {@code LimitHits} since start
 * @param rejectionsByReason          {@code RejectionsByReason} since start
 * @param releasesByCause             {@code ReleasesByCause} since start
 * @param cleanup                     the cleanup timer's record
 * @param users                       one row per user holding a manager
 */
public record Snapshot(long takenAtMillis, ClusterView cluster, int activeManagers, int maxManagersTotal,
        int activeUsers,
                       int maxManagersPerUser, long admissions, long limitHits, Map<String, Long> rejectionsByReason,
                       Map<String, Long> releasesByCause, CleanupHealth cleanup, List<UserRow> users) {

    public Snapshot {
        rejectionsByReason = Map.copyOf(rejectionsByReason);
        releasesByCause = Map.copyOf(releasesByCause);
        users = List.copyOf(users);
    }

    /** Rejections of all reasons together. */
    public long rejections() {
        return rejectionsByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The cleanup timer's health as the MXBean reports it.
     *
     * @param lastRun                    {@code LastCleanupTime}, null before the first pass
     * @param nextRun                    {@code NextCleanupTime}, null while the timer is missing
     * @param late                       {@code CleanupLate}
     * @param timerActive                {@code TimerActive}
     * @param timerError                 {@code TimerError}, empty when none
     * @param runs                       {@code CleanupRuns}
     * @param lastReclaimed              {@code LastCleanupReclaimed}
     * @param failures                   {@code CleanupFailures} since start
     * @param consecutiveFailures        {@code ConsecutiveCleanupFailures}
     * @param intervalSeconds            {@code CleanupIntervalSeconds}
     */
    public record CleanupHealth(Date lastRun, Date nextRun, boolean late, boolean timerActive, String timerError,
                                long runs, int lastReclaimed, long failures, long consecutiveFailures,
                                int intervalSeconds) {
    }
}
