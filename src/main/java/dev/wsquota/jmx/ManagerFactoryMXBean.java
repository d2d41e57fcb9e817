package dev.wsquota.jmx;

import dev.wsquota.quota.UserMessagesView;
import dev.wsquota.quota.UserView;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The operator's view of the manager factory, registered as {@code dev.wsquota:type=ManagerFactory}.
 *
 * <p>Each member is documented once, in its {@link Description}, which JConsole shows. Every count
 * is read from the live registry at the moment of the call. Every write takes effect at once, is
 * refused with an {@link IllegalArgumentException} saying what is allowed when the value is bad
 * (nothing changes then), and is reported as a {@value #ADMIN} notification and an audit log line.
 *
 * <p>Notifications (JConsole's Notifications tab), each with a {@code CompositeData} as user data:
 * <ul>
 *   <li>{@value #LIMIT_HIT}: a connection was refused at a quota; at most one per user per second,
 *       with the number of hits suppressed since the previous one.</li>
 *   <li>{@value #CLEANUP_FAILED}: a cleanup pass could not clean some managers.</li>
 *   <li>{@value #TIMER_RECREATED}: the cleanup or ping sweep timer was missing and the watchdog re-created it.</li>
 *   <li>{@value #DRIFT_CORRECTED}: the registry and the container disagreed about a session; fixed.</li>
 *   <li>{@value #ADMIN}: an attribute was written or an operation run: what, old and new value, who.</li>
 * </ul>
 */
@Description(
        "wsquota: per-user quotas of WebSocket managers, their cleanup and ping sweep timers, and the operations to "
        + "fix any user at runtime")
public interface ManagerFactoryMXBean {

    /** Notification type: a connection was refused at a quota. */
    String LIMIT_HIT = "wsquota.limit.hit";
    /** Notification type: a cleanup pass had failures. */
    String CLEANUP_FAILED = "wsquota.cleanup.failed";
    /** Notification type: a missing timer was re-created. */
    String TIMER_RECREATED = "wsquota.timer.recreated";
    /** Notification type: a drift between registry and container was corrected. */
    String DRIFT_CORRECTED = "wsquota.drift.corrected";
    /** Notification type: an operator changed something. */
    String ADMIN = "wsquota.admin";

    // ---- quotas ----

    @Description(value = "Default quota: managers each user may hold at once (key wsquota.max-managers-per-user).")
    int getMaxManagersPerUser();

    @Description(
            value = "Sets the default quota, 1 to 1,000,000. Lowering it closes nobody: a user above the new quota "
            + "keeps their connections and is refused new ones until under it; enforceQuotas() closes the excess.",
            params = {"managers"})
    void setMaxManagersPerUser(int managers);

    @Description(value = "Cap on the managers of all users together (key wsquota.max-managers-total).")
    int getMaxManagersTotal();

    @Description(value = "Sets the cap on all managers, 1 to 1,000,000; lowering it closes nobody.",
            params = {"managers"})
    void setMaxManagersTotal(int managers);

    @Description(value = "Per-user quotas that replace the default: user to quota.")
    Map<String, Integer> getUserQuotaOverrides();

    @Description(value = "Gives one user their own quota (1 to 1,000,000); closes nobody. Returns what changed.",
            params = {"user", "managers"})
    String setUserQuota(String user, int managers);

    @Description(value = "Removes one user's own quota so the default applies again. Returns what changed.",
            params = {"user"})
    String clearUserQuota(String user);

    @Description(
            value = "Closes (1008, \"over quota: closed by an operator\") the managers above each user's quota, "
            + "newest first; returns how many. In a cluster it counts each user's managers on every node and closes "
            + "the newest excess wherever it is (1008, \"closed by an operator\").")
    int enforceQuotas();

    // ---- timing settings ----

    @Description(value = "Seconds between two runs of the cleanup timer (key wsquota.cleanup-interval-seconds).")
    int getCleanupIntervalSeconds();

    @Description(value = "Reschedules the cleanup timer at once; 1 to 86,400 seconds.", params = {"seconds"})
    void setCleanupIntervalSeconds(int seconds);

    @Description(
            value = "Seconds a connection may go without an inbound message or pong before the ping sweep closes it "
            + "with 1001 (cleanup too, if the sweep timer is missing); 0 = never.")
    int getIdleTimeoutSeconds();

    @Description(value = "Sets the idle timeout: 0 (never) or 1 to 86,400 seconds.", params = {"seconds"})
    void setIdleTimeoutSeconds(int seconds);

    @Description(value = "Seconds of silence after which a manager is pinged; 0 = no pings.")
    int getPingIntervalSeconds();

    @Description(
            value = "Sets the ping interval: 0 (off) or 1 to 86,400 seconds; the ping sweep timer is rescheduled at "
            + "once.", params = {"seconds"})
    void setPingIntervalSeconds(int seconds);

    @Description(value = "Seconds a ping may stay unanswered before the manager is closed (4002) and released.")
    int getPongTimeoutSeconds();

    @Description(value = "Sets the pong timeout, 1 to 86,400 seconds.", params = {"seconds"})
    void setPongTimeoutSeconds(int seconds);

    @Description(
            value = "At the quota, managers silent for at least this many seconds are probed before a rejection; 0 = "
            + "all.")
    int getProbeAfterSeconds();

    @Description(value = "Sets the probe threshold: 0 to 86,400 seconds.", params = {"seconds"})
    void setProbeAfterSeconds(int seconds);

    @Description(
            value = "Milliseconds a probed manager has to answer its ping, counted from the ping's write; a new "
            + "connection at the quota waits for the probe, at most twice this long (see docs/configuration.md).")
    int getProbeTimeoutMillis();

    @Description(value = "Sets the probe timeout, 1 to 30,000 milliseconds.", params = {"millis"})
    void setProbeTimeoutMillis(int millis);

    @Description(
            value = "At the quota once probing found every manager alive: reject (1013) or evict-oldest (4001 to the "
            + "oldest).")
    String getOnLimitPolicy();

    @Description(value = "Sets the on-limit policy: reject or evict-oldest.", params = {"policy"})
    void setOnLimitPolicy(String policy);

    // ---- drain before a planned stop ----

    @Description(
            value = "Seconds over which a drain started without a duration (POST /admin/drain) closes this node's "
            + "managers (key wsquota.drain-seconds).")
    int getDrainSeconds();

    @Description(value = "Sets the default drain window, 1 to 3,600 seconds; a drain already running keeps its own.",
            params = {"seconds"})
    void setDrainSeconds(int seconds);

    @Description(
            value = "True while this node drains: readiness DOWN (check wsquota-drain) and every new connection "
            + "refused with 1013 \"server draining\". It stays true after the last close, until endDrain() or the "
            + "stop.")
    boolean isDraining();

    @Description(value = "Managers this node still holds while it drains (0 once drained); 0 when not draining.")
    int getDrainManagersLeft();

    @Description(
            value = "When the last drain's last close is due at the latest; null if this node has not drained since "
            + "start.")
    Date getDrainDeadline();

    @Description(
            value = "Drains this node before a stop: readiness DOWN, new connections refused (1013 \"server "
            + "draining\"), and every manager closed with 1001 \"server shutting down\" at a moment spread evenly, "
            + "with jitter, over the next 1 to 3,600 seconds, its slot released first (cause DRAINED). Called again, "
            + "re-plans the managers left over the new window. Returns what it did.", params = {"seconds"})
    String drain(int seconds);

    @Description(
            value = "Ends a drain without a restart: new connections are admitted again and readiness is UP; closes "
            + "not yet made are cancelled (those already made stay closed). Returns what it did.")
    String endDrain();

    // ---- the application's messages to users ----

    @Description(
            value = "Bytes (UTF-8) that may wait in one manager's outbound queue before its peer is closed with 4003 "
            + "as too slow (key wsquota.max-queued-bytes).")
    int getMaxQueuedBytes();

    @Description(
            value = "Sets the outbound queue bound of every manager, 1,024 to 1,073,741,824 bytes; holds at once, "
            + "closes nobody by itself.", params = {"bytes"})
    void setMaxQueuedBytes(int bytes);

    @Description(
            value = "Seconds one message may take to be written to a peer before it is closed with 4003 as too slow "
            + "(key wsquota.send-timeout-seconds).")
    int getSendTimeoutSeconds();

    @Description(value = "Sets the send time limit, 1 to 3,600 seconds; holds at once.", params = {"seconds"})
    void setSendTimeoutSeconds(int seconds);

    @Description(value = "Messages a manager's outbound queue took since start (one per manager reached).")
    long getMessagesDelivered();

    @Description(value = "Messages refused since start because the manager's outbound queue was full.")
    long getMessagesRefused();

    @Description(value = "Messages the container took and wrote to the peer since start.")
    long getMessagesWritten();

    @Description(
            value = "Writes of messages that failed before their time limit since start (mostly connections closing; "
            + "an open one is closed with 1011).")
    long getMessageSendFailures();

    @Description(value = "Runs of the periodic check for overdue sends that failed since start (each logged as a "
            + "warning with its cause; the check runs again on its next tick).")
    long getSlowSendCheckFailures();

    @Description(value = "Managers closed with 4003 since start, by limit (the limits: see docs/jmx.md).")
    Map<String, Long> getSlowConsumerCloses();

    @Description(value = "Bytes waiting in the outbound queues of all live managers on this node now.")
    long getQueuedBytes();

    @Description(value = "The most bytes waiting in one live manager's outbound queue on this node now.")
    long getLargestQueueBytes();

    @Description(value = "Bytes waiting now per user, for users with any waiting on this node.")
    Map<String, Long> getQueuedBytesByUser();

    // ---- live state ----

    @Description(value = "Managers alive now, all users together.")
    int getActiveManagers();

    @Description(value = "Users holding at least one manager now.")
    int getActiveUsers();

    @Description(value = "Live managers per user (user to count), for users holding at least one.")
    Map<String, Integer> getUserManagerCounts();

    @Description(
            value = "One row per user holding a manager, sorted by user: user, active, quota, "
            + "oldestManagerAgeSeconds (seconds since their oldest live manager was admitted), "
            + "lastActivitySecondsAgo (seconds since any of their peers sent anything). JMX clients see an array of "
            + "CompositeData (JConsole: a table).")
    List<UserView> getUsers();

    @Description(
            value = "One row per user holding a manager on this node, sorted by user: user, managers, messagesIn, "
            + "messagesOut (summed over the user's live managers here: a closed manager takes its counts with it), "
            + "queuedBytes (waiting in their outbound queues now).")
    List<UserMessagesView> getUserMessages();

    @Description(
            value = "One row per live manager of the user, oldest first: managerId, remoteAddress, openedAt (date), "
            + "idleSeconds, messagesIn, messagesOut. Empty for a user with none.", params = {"user"})
    List<ManagerRow> listManagers(String user);

    @Description(value = "Closes (1008, \"closed by an operator\") and releases one manager. Returns what it did.",
            params = {"managerId"})
    String closeManager(String managerId);

    @Description(
            value = "Closes (1008, \"disconnected by an operator\") and releases every manager of the user; returns "
            + "how many.", params = {"user"})
    int disconnectUser(String user);

    // ---- counters since start ----

    @Description(value = "Connections refused at a quota (per user or total) since start.")
    long getLimitHits();

    @Description(value = "Connections refused since start, by reason (the reasons: see docs/jmx.md).")
    Map<String, Long> getRejectionsByReason();

    @Description(value = "Connections admitted since start.")
    long getAdmissions();

    @Description(value = "Slots given back since start, by cause (the causes: see docs/jmx.md).")
    Map<String, Long> getReleasesByCause();

    @Description(
            value = "Probe rounds started since start (a user at quota with silent managers; connections that reach "
            + "the quota while a round runs join it).")
    long getProbes();

    @Description(value = "Managers closed and released because they did not answer a probe, since start.")
    long getProbeReclaimed();

    // ---- cleanup and its watchdog ----

    @Description(value = "Cleanup passes since start, timer and forced together.")
    long getCleanupRuns();

    @Description(value = "Slots the last cleanup pass gave back.")
    int getLastCleanupReclaimed();

    @Description(value = "When the last cleanup pass started; null before the first.")
    Date getLastCleanupTime();

    @Description(value = "When the cleanup timer fires next; null while the timer is missing.")
    Date getNextCleanupTime();

    @Description(value = "How long the last cleanup pass took, in milliseconds.")
    long getLastCleanupDurationMillis();

    @Description(value = "Managers that cleanup failed to clean, summed over all passes since start.")
    long getCleanupFailures();

    @Description(value = "Cleanup passes in a row, up to the last, that had at least one failure.")
    long getConsecutiveCleanupFailures();

    @Description(value = "True when no cleanup pass started within twice the cleanup interval.")
    boolean isCleanupLate();

    @Description(value = "True while both the cleanup timer and the ping sweep timer exist in the container.")
    boolean isTimerActive();

    @Description(value = "Why a timer could not be created; empty when both were.")
    String getTimerError();

    @Description(value = "Timers the watchdog found missing and re-created, since start.")
    long getTimerRecreations();

    @Description(
            value = "Differences between the registry and the container's open sessions fixed by the drift check, "
            + "since start.")
    long getDriftCorrections();

    @Description(value = "Close frames that could not be sent to a peer after its slot was given back, since start.")
    long getCloseFailures();

    @Description(value = "Runs a cleanup pass over everyone now and returns how many slots it gave back.")
    int forceCleanup();

    @Description(value = "Runs a cleanup pass over one user's managers now and returns how many slots it gave back.",
            params = {"user"})
    int forceCleanupUser(String user);
}
