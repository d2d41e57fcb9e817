package dev.wsquota.cluster;

import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.ManagerView;

import java.util.List;

/** What another member may ask of the managers this node holds: the node's side of a cluster-wide operation. */
public interface LocalManagers {

    /** The key under which a node puts its {@code LocalManagers} in its Hazelcast member's user context. */
    String USER_CONTEXT_KEY = "wsquota.local-managers";

    /** This node's live managers of the user, oldest first. */
    List<ManagerView> list(String user);

    /** Closes and releases every manager of the user on this node (1008, an operator); returns how many. */
    int disconnect(String user);

    /**
     * Closes and releases one manager if this node holds it: for an operator (1008), or evicted for a newer
     * connection of its user (4001). Returns its row, or null if this node does not hold it.
     */
    ManagerView close(String managerId, boolean evicted);

    /** Pings the user's silent managers here and releases those that do not answer in time; returns how many. */
    int probe(String user);

    /** Sends the text to the user's managers on this node ({@code LocalMessages}); NONE from a node without any. */
    default Delivery sendToUser(String user, String text) {
        return Delivery.NONE;
    }

    /** Sends the text to the manager if this node holds it; null if it does not. */
    default Delivery sendToManager(String managerId, String text) {
        return null;
    }

    /** Sends the text to every manager on this node. */
    default Delivery sendToEveryone(String text) {
        return Delivery.NONE;
    }
}
