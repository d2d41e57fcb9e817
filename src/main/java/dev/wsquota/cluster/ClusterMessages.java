package dev.wsquota.cluster;

import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.LocalMessages;
import dev.wsquota.quota.Outboxes;

import java.util.Optional;

/**
 * The application's messages wherever the target's managers are: on this node through {@link LocalMessages}, and
 * in a cluster also on the other members (for a user, only those holding her slots). Without a cluster it is
 * {@link LocalMessages} alone. Returns within the cluster's send wait however the other members behave.
 */
public final class ClusterMessages {

    private final LocalMessages local;
    /** Null on a single node. */
    private final RemoteNodes cluster;

    public ClusterMessages(LocalMessages local, RemoteNodes cluster) {
        this.local = local;
        this.cluster = cluster;
    }

    public Outboxes outboxes() {
        return local.outboxes();
    }

    /** To every live manager of the user, on every node that holds one. */
    public Delivery toUser(String user, String text) {
        Delivery here = local.toUser(user, text);
        return cluster == null ? here : here.plus(cluster.sendToUser(user, text));
    }

    /** To one manager, on whichever node holds it; empty if none does. */
    public Optional<Delivery> toManager(String managerId, String text) {
        Optional<Delivery> here = local.toManager(managerId, text);
        return here.isPresent() || cluster == null ? here : cluster.sendToManager(managerId, text);
    }

    /** To every live manager on every node. */
    public Delivery toEveryone(String text) {
        Delivery here = local.toEveryone(text);
        return cluster == null ? here : here.plus(cluster.sendToEveryone(text));
    }
}
