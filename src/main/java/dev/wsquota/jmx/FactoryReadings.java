package dev.wsquota.jmx;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.TimerWatchdog;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.quota.MessageCounters;
import dev.wsquota.quota.RegistryCounters;
import dev.wsquota.quota.UserMessagesView;
import dev.wsquota.quota.UserView;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.wsquota.jmx.JdkExceptions.call;

/**
 * The read-only half of the factory MXBean: live state, counters since start, and how cleanup and its
 * timers stand. Nothing here changes anything, so nothing here is audited; {@link ManagerFactoryAdmin}
 * adds the settings and operations.
 */
public abstract class FactoryReadings implements ManagerFactoryMXBean {

    protected final ManagerFactory factory;
    private final TimerWatchdog watchdog;

    FactoryReadings(ManagerFactory factory, TimerWatchdog watchdog) {
        this.factory = factory;
        this.watchdog = watchdog;
    }

    @Override
    public int getActiveManagers() {
        return call(() -> factory.readings().activeManagers());
    }

    @Override
    public int getActiveUsers() {
        return call(() -> factory.readings().activeUsers());
    }

    @Override
    public Map<String, Integer> getUserManagerCounts() {
        return call(() -> factory.readings().userCounts());
    }

    @Override
    public List<UserView> getUsers() {
        return call(() -> factory.readings().users());
    }

    @Override
    public List<UserMessagesView> getUserMessages() {
        return call(() -> factory.readings().userMessages());
    }

    @Override
    public List<ManagerRow> listManagers(String user) {
        return call(() -> factory.operatorActions().list(user)).stream()
                .map(view -> new ManagerRow(view.managerId(), view.remoteAddress(), new Date(view.openedAtMillis()),
                        view.idleSeconds(), view.messagesIn(), view.messagesOut()))
                .toList();
    }

    @Override
    public long getMessagesDelivered() {
        return call(() -> factory.messages().outboxes().counters().delivered());
    }

    @Override
    public long getMessagesRefused() {
        return call(() -> factory.messages().outboxes().counters().refused());
    }

    @Override
    public long getMessagesWritten() {
        return call(() -> factory.messages().outboxes().counters().written());
    }

    @Override
    public long getMessageSendFailures() {
        return call(() -> factory.messages().outboxes().counters().sendFailures());
    }

    @Override
    public long getSlowSendCheckFailures() {
        return call(() -> factory.messages().outboxes().counters().checkFailures());
    }

    @Override
    public Map<String, Long> getSlowConsumerCloses() {
        MessageCounters counters = call(() -> factory.messages().outboxes().counters());
        Map<String, Long> byLimit = new LinkedHashMap<>();
        byLimit.put("QUEUE_FULL", counters.slowConsumerQueueFull());
        byLimit.put("SEND_TIMEOUT", counters.slowConsumerSendTimeout());
        return byLimit;
    }

    @Override
    public long getQueuedBytes() {
        return call(() -> factory.messages().outboxes().queuedBytes());
    }

    @Override
    public long getLargestQueueBytes() {
        return call(() -> factory.messages().outboxes().largestQueueBytes());
    }

    @Override
    public Map<String, Long> getQueuedBytesByUser() {
        return call(() -> factory.messages().outboxes().queuedBytesByUser());
    }

    @Override
    public long getLimitHits() {
        RegistryCounters counters = counters();
        return counters.userQuotaRejections() + counters.totalQuotaRejections();
    }

    @Override
    public Map<String, Long> getRejectionsByReason() {
        RegistryCounters counters = counters();
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Admission.Outcome reason : List.of(Admission.Outcome.USER_QUOTA, Admission.Outcome.TOTAL_QUOTA,
                Admission.Outcome.DRAINING)) {
            byReason.put(reason.name(), counters.rejections(reason));
        }
        return byReason;
    }

    @Override
    public long getAdmissions() {
        return counters().admissions();
    }

    @Override
    public Map<String, Long> getReleasesByCause() {
        Map<String, Long> byName = new LinkedHashMap<>();
        counters().releasesByCause().forEach((cause, count) -> byName.put(cause.name(), count));
        return byName;
    }

    @Override
    public boolean isDraining() {
        return call(factory::isDraining);
    }

    @Override
    public int getDrainManagersLeft() {
        return call(factory::drainStatus).managersLeft();
    }

    @Override
    public Date getDrainDeadline() {
        long deadline = call(factory::drainStatus).deadlineMillis();
        return deadline == 0 ? null : new Date(deadline);
    }

    @Override
    public long getProbes() {
        return call(() -> factory.readings().probes());
    }

    @Override
    public long getProbeReclaimed() {
        return call(() -> factory.readings().probeReclaimed());
    }

    @Override
    public long getCleanupRuns() {
        return cleanup().runs();
    }

    @Override
    public int getLastCleanupReclaimed() {
        return cleanup().lastReclaimed();
    }

    @Override
    public Date getLastCleanupTime() {
        long millis = cleanup().lastRunMillis();
        return millis == 0 ? null : new Date(millis);
    }

    @Override
    public Date getNextCleanupTime() {
        return call(factory::cleanupTimerStatus).next();
    }

    @Override
    public long getLastCleanupDurationMillis() {
        return cleanup().lastDurationMillis();
    }

    @Override
    public long getCleanupFailures() {
        return cleanup().totalFailures();
    }

    @Override
    public long getConsecutiveCleanupFailures() {
        return cleanup().consecutiveFailedRuns();
    }

    @Override
    public boolean isCleanupLate() {
        return call(factory::cleanupStatus).late();
    }

    @Override
    public boolean isTimerActive() {
        return call(watchdog::isTimerActive);
    }

    @Override
    public String getTimerError() {
        return call(watchdog::getTimerError);
    }

    @Override
    public long getTimerRecreations() {
        return call(watchdog::getTimerRecreations);
    }

    @Override
    public long getDriftCorrections() {
        return call(factory::cleanupStatus).driftCorrections();
    }

    @Override
    public long getCloseFailures() {
        return counters().closeFailures();
    }

    private CleanupStatistics.Snapshot cleanup() {
        return call(factory::cleanupStatus).statistics();
    }

    private RegistryCounters counters() {
        return call(() -> factory.readings().counters());
    }
}
