package dev.wsquota.jmx;

import dev.wsquota.cluster.ClusterEvents;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.ejb.ClusterNode;
import dev.wsquota.ejb.ManagerFactory;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** The cluster's MXBean and its notifications (member joined or left, fenced, admitting again). */
final class ClusterAdmin extends NotificationBroadcasterSupport implements ClusterMXBean, ClusterEvents {

    static final ObjectName OBJECT_NAME = PlatformRegistration.objectName("dev.wsquota:type=Cluster");
    static final String MEMBER_JOINED = "wsquota.cluster.member.joined";
    static final String MEMBER_LEFT = "wsquota.cluster.member.left";
    static final String FENCED = "wsquota.cluster.fenced";
    static final String UNFENCED = "wsquota.cluster.unfenced";

    private final ClusterNode node;
    private final ManagerFactory factory;
    private final AtomicLong sequence = new AtomicLong();

    ClusterAdmin(ClusterNode node, ManagerFactory factory) {
        super(new MBeanNotificationInfo(new String[]{MEMBER_JOINED, MEMBER_LEFT, FENCED, UNFENCED},
                Notification.class.getName(), "wsquota cluster membership and fencing"));
        this.node = node;
        this.factory = factory;
    }

    private <T> T read(Function<HazelcastLedger, T> reading, T single) {
        Optional<HazelcastLedger> cluster = node.cluster();
        return cluster.isPresent() ? reading.apply(cluster.get()) : single;
    }

    @Override
    public boolean isEnabled() {
        return node.cluster().isPresent();
    }

    @Override
    public String getClusterName() {
        return node.settings().name();
    }

    @Override
    public String getLocalMember() {
        return read(HazelcastLedger::localMember, "");
    }

    @Override
    public List<String> getMembers() {
        return read(HazelcastLedger::members, List.of());
    }

    @Override
    public int getMemberCount() {
        return getMembers().size();
    }

    @Override
    public int getMinMembers() {
        return node.settings().minMembers();
    }

    @Override
    public int getLeaseSeconds() {
        return node.settings().leaseSeconds();
    }

    @Override
    public long getMillisSinceRenewal() {
        return read(HazelcastLedger::millisSinceRenewal, 0L);
    }

    @Override
    public boolean isFenced() {
        return read(HazelcastLedger::isFenced, false);
    }

    @Override
    public long getFencings() {
        return read(HazelcastLedger::fencings, 0L);
    }

    @Override
    public long getRenewalFailures() {
        return read(HazelcastLedger::renewalFailures, 0L);
    }

    @Override
    public long getReleaseFailures() {
        return read(HazelcastLedger::releaseFailures, 0L);
    }

    @Override
    public long getPurgedSlots() {
        return read(HazelcastLedger::purgedSlots, 0L);
    }

    @Override
    public long getUnavailableRejections() {
        return factory.readings().counters().unavailableRejections();
    }

    @Override
    public Map<String, Integer> getUserManagerCounts() {
        return read(HazelcastLedger::counts, Map.of());
    }

    @Override
    public int getActiveManagers() {
        return getUserManagerCounts().values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void memberJoined(String member, int members) {
        notify(MEMBER_JOINED, "member " + member + " joined; " + members + " members");
    }

    @Override
    public void memberLeft(String member, int members, int purgedSlots) {
        notify(MEMBER_LEFT, "member " + member + " left; " + members + " members"
                + (purgedSlots >= 0 ? "; freed its " + purgedSlots + " slots" : ""));
    }

    @Override
    public void fenced(String why) {
        notify(FENCED, "this node fenced itself: " + why);
    }

    @Override
    public void unfenced() {
        notify(UNFENCED, "this node renewed its leases and admits again");
    }

    private void notify(String type, String message) {
        sendNotification(new Notification(type, OBJECT_NAME, sequence.incrementAndGet(), System.currentTimeMillis(),
                message));
    }
}
