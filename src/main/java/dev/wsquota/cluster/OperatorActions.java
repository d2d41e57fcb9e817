package dev.wsquota.cluster;

import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.LocalMessages;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.ServerCloses;
import dev.wsquota.quota.UserIds;
import dev.wsquota.util.WeakLogger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * This node's side of the cluster, kept out of the factory: the operator's actions reach every node's managers
 * (or stay on this node without a cluster), the other nodes may act on this node's managers, and the lease
 * keeper learns which managers this node holds and how to close them all when the node is fenced.
 */
public final class OperatorActions {

    /** The close reason of every connection of a node that lost contact with the cluster. */
    public static final String FENCED_REASON = "lost contact with the cluster";

    private static final Logger LOG = WeakLogger.of(OperatorActions.class);

    private final ManagerRegistry registry;
    private final ServerCloses actions;
    private final RemoteNodes cluster;

    /**
     * Joins this node's managers to the cluster's operations: the admission probes and evicts on the other
     * nodes too, and the other nodes may list, close and probe the managers here.
     *
     * The other members may also send the application's messages through this node's {@code messages}.
     *
     * @param cluster  the cluster's operations, or null on a single node (then everything stays here)
     * @param messages this node's side of the application's messages, or null where the cluster sends none
     */
    public OperatorActions(ManagerRegistry registry, ServerCloses actions, ProbingAdmission admission,
                              RemoteNodes cluster, LocalMessages messages) {
        this.registry = registry;
        this.actions = actions;
        this.cluster = cluster;
        if (cluster != null) {
            admission.setOtherNodes(cluster);
            cluster.serve(new LocalNode(registry, actions, admission, messages));
        }
    }

    /** The other nodes get nothing more from this node (it is stopping). */
    public void stopServing() {
        if (cluster != null) {
            cluster.stopServing();
        }
    }

    /** The user's managers on this node or, in a cluster, on every node; oldest first. */
    public List<ManagerView> list(String user) {
        UserIds.check(user);
        return cluster != null ? cluster.list(user) : ManagerView.rows(registry, user);
    }

    /** What {@link #listByNode} calls this node when there is no cluster. */
    public static final String SINGLE_NODE = "local";

    /** The user's managers by node ({@value #SINGLE_NODE} without a cluster, else each member's {@code host:port}). */
    public Map<String, List<ManagerView>> listByNode(String user) {
        UserIds.check(user);
        return cluster != null ? cluster.listByNode(user) : Map.of(SINGLE_NODE, ManagerView.rows(registry, user));
    }

    /** Closes (1008) the manager on this node or, in a cluster, on whichever node holds it. */
    public Optional<ManagerView> close(String managerId) {
        Optional<ManagerView> here = actions.closeManager(managerId);
        return here.isPresent() || cluster == null ? here : cluster.close(managerId);
    }

    /** Closes (1008) the user's managers on this node or, in a cluster, on every node; returns how many. */
    public int disconnect(String user) {
        UserIds.check(user);
        return cluster != null ? cluster.disconnect(user) : actions.disconnectUser(user);
    }

    /**
     * Closes (1008) every manager above its user's quota, newest first: on this node alone, or in a cluster
     * counting the user's managers on every node and closing the newest wherever they are (after a healed split
     * each side may hold up to the quota). Returns how many were closed.
     */
    public int enforceQuotas() {
        if (cluster == null) {
            return actions.enforceQuotas();
        }
        Set<String> users = new TreeSet<>(cluster.usersAboveQuota(registry.limits()::limitFor));
        for (String user : registry.users()) {
            if (!actions.excessOf(user).isEmpty()) {
                users.add(user);
            }
        }
        int closed = 0;
        for (String user : users) {
            List<ManagerView> oldestFirst = cluster.list(user);
            int excess = oldestFirst.size() - registry.limits().limitFor(user);
            for (int i = oldestFirst.size() - 1; i >= 0 && excess > 0; i--, excess--) {
                if (cluster.close(oldestFirst.get(i).managerId()).isPresent()) {
                    closed++;
                }
            }
        }
        int total = closed;
        if (total > 0) {
            LOG.warning(() -> "wsquota closed " + total + " managers above their user's quota across the cluster");
        }
        return closed;
    }

    /** The ids of the managers this node holds, by user: what it renews in the cluster. */
    public Map<String, Set<String>> heldIdsByUser() {
        Map<String, Set<String>> ids = new HashMap<>();
        for (Manager manager : registry.allManagers()) {
            ids.computeIfAbsent(manager.user(), user -> new HashSet<>()).add(manager.id());
        }
        return ids;
    }

    /** Closes (1001) every connection of this node, which lost contact with the cluster; returns how many. */
    public int fence() {
        int closed = actions.releaseAll(ReleaseCause.FENCED, CloseCodes.GOING_AWAY, FENCED_REASON);
        LOG.warning(() -> "wsquota closed this node's " + closed + " connections (1001): it lost contact with "
                + "the cluster and admits nobody until it renews its leases");
        return closed;
    }
}
