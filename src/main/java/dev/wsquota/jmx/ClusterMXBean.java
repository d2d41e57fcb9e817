package dev.wsquota.jmx;

import java.util.List;
import java.util.Map;

/**
 * The cluster-wide quota as an operator sees it, {@code dev.wsquota:type=Cluster}. Counts here are cluster-wide;
 * the ManagerFactory MXBean's counts are this node's. On a single node ({@code wsquota.cluster=none})
 * {@code Enabled} is false and the rest is empty or zero.
 */
@Description(
        "wsquota cluster: members, leases, fencing and cluster-wide counts (the ManagerFactory MBean shows this "
        + "node's)")
public interface ClusterMXBean {

    @Description("True when this node shares its quota with a cluster (wsquota.cluster=hazelcast).")
    boolean isEnabled();

    @Description("The cluster's name (wsquota.cluster.name); members join only a cluster of the same name.")
    String getClusterName();

    @Description("This node's member address, host:port.")
    String getLocalMember();

    @Description("Every member, host:port, the oldest first; this node marked.")
    List<String> getMembers();

    @Description("Members now, a count.")
    int getMemberCount();

    @Description("Below this many members nobody is admitted (1013 quota service unavailable), a count.")
    int getMinMembers();

    @Description("How long a slot lives without renewal, in seconds; each node renews every third of it.")
    int getLeaseSeconds();

    @Description("Milliseconds since this node last renewed all of its leases.")
    long getMillisSinceRenewal();

    @Description("True while this node could not renew for a lease: it closed its connections and admits nobody.")
    boolean isFenced();

    @Description("Times this node fenced itself since start, a count.")
    long getFencings();

    @Description("Renewal rounds that failed since start, a count (a lease's worth in a row fences the node).")
    long getRenewalFailures();

    @Description("Slot releases the cluster did not confirm since start, a count; their leases end them.")
    long getReleaseFailures();

    @Description("Slots of departed members freed at once by this node since start, a count.")
    long getPurgedSlots();

    @Description(
            "Connections this node refused since start because the cluster could not decide (1013 quota service "
            + "unavailable), a count.")
    long getUnavailableRejections();

    @Description("Managers per user across the whole cluster, now (live slots).")
    Map<String, Integer> getUserManagerCounts();

    @Description("Managers of all users across the whole cluster, now (live slots).")
    int getActiveManagers();
}
