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

    /** Seconds of silence after which a manager is pinged; 0 = no pings. */
    int getPingIntervalSeconds();

    /** Sets the ping interval: 0 (off) or 1 to 86,400 seconds; the liveness timer is rescheduled at once. */
    void setPingIntervalSeconds(int seconds);

    /** Seconds a ping may stay unanswered before the manager is closed (4002) and released. */
    int getPongTimeoutSeconds();

    /** Sets the pong timeout, 1 to 86,400 seconds. */
    void setPongTimeoutSeconds(int seconds);

    /** At the quota, managers silent for at least this many seconds are probed before a rejection; 0 = all. */
    int getProbeAfterSeconds();

    /** Sets the probe threshold: 0 to 86,400 seconds. */
    void setProbeAfterSeconds(int seconds);

    /** Milliseconds a new connection at the quota waits for the probed managers to answer. */
    int getProbeTimeoutMillis();

    /** Sets the probe timeout, 1 to 30,000 milliseconds. */
    void setProbeTimeoutMillis(int millis);

    /** What happens at the quota once probing found every manager alive: {@code reject} (1013) or {@code evict-oldest} (4001 to the oldest). */
    String getOnLimitPolicy();

    /** Sets the on-limit policy: {@code reject} or {@code evict-oldest}. */
    void setOnLimitPolicy(String policy);

    /** Probes started since start (a user at quota with silent managers). */
    long getProbes();

    /** Managers closed and released because they did not answer a probe, since start. */
    long getProbeReclaimed();

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

    /** True while both the cleanup timer and the liveness timer exist in the container. */
    boolean isTimerActive();

    /** Why the cleanup timer could not be created; empty when it was. */
    String getTimerError();

    /** Runs a cleanup pass now and returns how many slots it gave back. */
    int forceCleanup();
}
