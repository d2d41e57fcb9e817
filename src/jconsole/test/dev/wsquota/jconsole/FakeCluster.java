package dev.wsquota.jconsole;

import dev.wsquota.jmx.ClusterMXBean;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import java.util.List;
import java.util.Map;

/** A stand-in for the product's cluster MXBean, implementing the real {@link ClusterMXBean} interface. */
public final class FakeCluster extends NotificationBroadcasterSupport implements ClusterMXBean {

    boolean fenced;

    FakeCluster() {
        super(new MBeanNotificationInfo(new String[]{"wsquota.cluster.fenced"}, Notification.class.getName(), "test"));
    }

    void send(String type, String message) {
        sendNotification(new Notification(type, "fake", 1, System.currentTimeMillis(), message));
    }

    @Override public boolean isEnabled() { return true; }
    @Override public String getClusterName() { return "wsquota-test"; }
    @Override public String getLocalMember() { return "127.0.0.1:16711"; }
    @Override public List<String> getMembers() { return List.of("127.0.0.1:16711", "127.0.0.1:16712"); }
    @Override public int getMemberCount() { return 2; }
    @Override public int getMinMembers() { return 2; }
    @Override public int getLeaseSeconds() { return 6; }
    @Override public long getMillisSinceRenewal() { return 1_500; }
    @Override public boolean isFenced() { return fenced; }
    @Override public long getFencings() { return fenced ? 1 : 0; }
    @Override public long getRenewalFailures() { return 0; }
    @Override public long getReleaseFailures() { return 0; }
    @Override public long getPurgedSlots() { return 0; }
    @Override public long getUnavailableRejections() { return 0; }
    @Override public Map<String, Integer> getUserManagerCounts() { return Map.of("alice", 4); }
    @Override public int getActiveManagers() { return 4; }
}
