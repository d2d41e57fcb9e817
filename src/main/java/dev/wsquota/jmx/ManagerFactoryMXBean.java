package dev.wsquota.jmx;

import java.util.Date;
import java.util.Map;

/**
 * The operator's view of the manager factory, registered as {@code dev.wsquota:type=ManagerFactory}.
 * Every count is read from the live registry at the moment of the call. Writes take effect at once
 * and are refused with an {@link IllegalArgumentException} that says what is allowed.
 */
public interface ManagerFactoryMXBean {

    /** The quota of managers each user may hold at once (default {@code wsquota.max-managers-per-user}). */
    int getMaxManagersPerUser();

    /**
     * Sets the per-user quota, 1 to 1,000,000. Lowering it closes nobody: a user above the new quota
     * keeps their connections and is refused new ones until under it.
     */
    void setMaxManagersPerUser(int managers);

    /** The cap on managers of all users together. */
    int getMaxManagersTotal();

    /** Sets the cap on managers of all users together, 1 to 1,000,000; lowering it closes nobody. */
    void setMaxManagersTotal(int managers);

    /** Seconds between two runs of the cleanup timer. */
    int getCleanupIntervalSeconds();

    /** Reschedules the cleanup timer at once; 1 to 86,400 seconds. */
    void setCleanupIntervalSeconds(int seconds);

    /** Seconds a connection may stay silent before cleanup closes it with 1001; 0 = never. */
    int getIdleTimeoutSeconds();

    /** Sets the idle timeout: 0 (never) or 1 to 86,400 seconds. */
    void setIdleTimeoutSeconds(int seconds);

    /** Managers alive now, all users together. */
    int getActiveManagers();

    /** Users holding at least one manager now. */
    int getActiveUsers();

    /** Live managers per user (user to count), for users holding at least one. */
    Map<String, Integer> getUserManagerCounts();

    /** Connections refused at a quota (per user or total) since start. */
    long getLimitHits();

    /** Connections admitted since start. */
    long getAdmissions();

    /** Slots given back since start, by cause (CLOSE, ERROR, STALE, IDLE, ...). */
    Map<String, Long> getReleasesByCause();

    /** Cleanup passes since start, timer and forced together. */
    long getCleanupRuns();

    /** Slots the last cleanup pass gave back. */
    int getLastCleanupReclaimed();

    /** When the last cleanup pass started; null before the first. */
    Date getLastCleanupTime();

    /** How long the last cleanup pass took, in milliseconds. */
    long getLastCleanupDurationMillis();

    /** Managers that cleanup failed to clean, summed over all passes since start. */
    long getCleanupFailures();

    /** True while the cleanup timer exists in the container. */
    boolean isTimerActive();

    /** Why the cleanup timer could not be created; empty when it was. */
    String getTimerError();

    /** Runs a cleanup pass now and returns how many slots it gave back. */
    int forceCleanup();
}
