package dev.wsquota.jconsole;

import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import dev.wsquota.quota.UserMessagesView;
import dev.wsquota.quota.UserView;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the product's MXBean that implements the real {@link ManagerFactoryMXBean} interface, so the
 * plugin's attribute and operation names are checked against the contract (a renamed attribute fails here).
 * Registered on a private MBeanServer; values are set by the tests; writes are validated as the product does.
 */
public final class FakeFactory extends NotificationBroadcasterSupport implements ManagerFactoryMXBean {

    final Map<String, Integer> counts = new TreeMap<>();
    final Map<String, Integer> overrides = new TreeMap<>();
    final Map<String, List<ManagerRow>> managers = new LinkedHashMap<>();
    final Map<String, Long> releases = new TreeMap<>();
    final Map<String, Long> rejections = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    long admissions;
    long limitHits;
    int maxPerUser = 5;
    int maxTotal = 10_000;
    private final AtomicLong sequence = new AtomicLong();

    FakeFactory() {
        super(new MBeanNotificationInfo(new String[]{ADMIN}, Notification.class.getName(), "test"));
    }

    void send(String type, String message) {
        sendNotification(
                new Notification(type, "fake", sequence.incrementAndGet(), System.currentTimeMillis(), message));
    }

    @Override public int getMaxManagersPerUser() { return maxPerUser; }
    @Override public void setMaxManagersPerUser(int managers) { maxPerUser = managers; }
    @Override public int getMaxManagersTotal() { return maxTotal; }
    @Override public void setMaxManagersTotal(int managers) { maxTotal = managers; }
    @Override public Map<String, Integer> getUserQuotaOverrides() { return new TreeMap<>(overrides); }

    @Override
    public String setUserQuota(String user, int managers) {
        calls.add("setUserQuota " + user + " " + managers);
        if (managers < 1 || managers > 1_000_000) {
            throw new IllegalArgumentException("quota of a user must be between 1 and 1000000, was " + managers);
        }
        Integer old = overrides.put(user, managers);
        return "quota of " + user + " set to " + managers + " (was " + (old == null ? "the default" : old) + ")";
    }

    @Override
    public String clearUserQuota(String user) {
        calls.add("clearUserQuota " + user);
        Integer old = overrides.remove(user);
        return old == null ? user + " had no own quota; nothing changed" : "quota of " + user
                + " back to the default (was " + old + ")";
    }

    @Override public int enforceQuotas() { return 0; }
    @Override public int getCleanupIntervalSeconds() { return 60; }
    @Override public void setCleanupIntervalSeconds(int seconds) { }
    @Override public int getIdleTimeoutSeconds() { return 0; }
    @Override public void setIdleTimeoutSeconds(int seconds) { }
    @Override public int getPingIntervalSeconds() { return 0; }
    @Override public void setPingIntervalSeconds(int seconds) { }
    @Override public int getPongTimeoutSeconds() { return 10; }
    @Override public void setPongTimeoutSeconds(int seconds) { }
    @Override public int getProbeAfterSeconds() { return 0; }
    @Override public void setProbeAfterSeconds(int seconds) { }
    @Override public int getProbeTimeoutMillis() { return 500; }
    @Override public void setProbeTimeoutMillis(int millis) { }
    @Override public String getOnLimitPolicy() { return "reject"; }
    @Override public void setOnLimitPolicy(String policy) { }
    @Override public int getActiveManagers() { return counts.values().stream().mapToInt(Integer::intValue).sum(); }
    @Override public int getActiveUsers() { return counts.size(); }
    @Override public Map<String, Integer> getUserManagerCounts() { return new TreeMap<>(counts); }

    @Override
    public List<UserView> getUsers() {
        List<UserView> rows = new ArrayList<>();
        counts.forEach((user, count) ->
                rows.add(new UserView(user, count, overrides.getOrDefault(user, maxPerUser), 30, 2)));
        return rows;
    }

    @Override
    public List<UserMessagesView> getUserMessages() {
        List<UserMessagesView> rows = new ArrayList<>();
        counts.forEach((user, count) -> rows.add(new UserMessagesView(user, count, 10L * count, 20L * count,
                user.equals("alice") ? 4_096 : 0)));
        return rows;
    }

    @Override
    public List<ManagerRow> listManagers(String user) {
        return managers.getOrDefault(user, List.of());
    }

    @Override
    public String closeManager(String managerId) {
        calls.add("closeManager " + managerId);
        return "closed manager " + managerId;
    }

    @Override
    public int disconnectUser(String user) {
        calls.add("disconnectUser " + user);
        Integer count = counts.remove(user);
        return count == null ? 0 : count;
    }

    @Override public int getMaxQueuedBytes() { return 1_048_576; }
    @Override public void setMaxQueuedBytes(int bytes) { }
    @Override public int getSendTimeoutSeconds() { return 10; }
    @Override public void setSendTimeoutSeconds(int seconds) { }
    @Override public long getMessagesDelivered() { return 0; }
    @Override public long getMessagesRefused() { return 0; }
    @Override public long getMessagesWritten() { return 0; }
    @Override public long getMessageSendFailures() { return 0; }
    @Override public long getSlowSendCheckFailures() { return 0; }
    @Override public Map<String, Long> getSlowConsumerCloses() { return new TreeMap<>(); }
    @Override public long getQueuedBytes() { return 0; }
    @Override public long getLargestQueueBytes() { return 0; }
    @Override public Map<String, Long> getQueuedBytesByUser() { return new TreeMap<>(); }
    @Override public long getLimitHits() { return limitHits; }
    @Override public Map<String, Long> getRejectionsByReason() { return new TreeMap<>(rejections); }
    @Override public long getAdmissions() { return admissions; }
    @Override public Map<String, Long> getReleasesByCause() { return new TreeMap<>(releases); }
    @Override public long getProbes() { return 0; }
    @Override public long getProbeReclaimed() { return 0; }
    @Override public long getCleanupRuns() { return 7; }
    @Override public int getLastCleanupReclaimed() { return 1; }
    @Override public Date getLastCleanupTime() { return new Date(System.currentTimeMillis() - 3_000); }
    @Override public Date getNextCleanupTime() { return new Date(System.currentTimeMillis() + 57_000); }
    @Override public long getLastCleanupDurationMillis() { return 2; }
    @Override public long getCleanupFailures() { return 0; }
    @Override public long getConsecutiveCleanupFailures() { return 0; }
    @Override public boolean isCleanupLate() { return false; }
    @Override public boolean isTimerActive() { return true; }
    @Override public String getTimerError() { return ""; }
    @Override public long getTimerRecreations() { return 0; }
    @Override public long getDriftCorrections() { return 0; }
    @Override public long getCloseFailures() { return 0; }
    @Override public int getDrainSeconds() { return 30; }
    @Override public void setDrainSeconds(int seconds) { calls.add("setDrainSeconds " + seconds); }
    @Override public boolean isDraining() { return false; }
    @Override public int getDrainManagersLeft() { return 0; }
    @Override public Date getDrainDeadline() { return null; }
    @Override public String drain(int seconds) { calls.add("drain " + seconds); return "draining"; }
    @Override public String endDrain() { calls.add("endDrain"); return "drain ended"; }

    @Override
    public int forceCleanup() {
        calls.add("forceCleanup");
        return 2;
    }

    @Override
    public int forceCleanupUser(String user) {
        calls.add("forceCleanupUser " + user);
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must be a non-blank name");
        }
        return 1;
    }
}
