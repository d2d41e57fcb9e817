package dev.wsquota.cluster;

/** What the cluster tells the operator about: members coming and going, and this node fencing itself. */
public interface ClusterEvents {

    ClusterEvents NONE = new ClusterEvents() {
    };

    /** A member joined; {@code members} is the cluster size after it. */
    default void memberJoined(String member, int members) {
    }

    /** A member left; its {@code purgedSlots} were freed at once ({@code -1} when another member purged them). */
    default void memberLeft(String member, int members, int purgedSlots) {
    }

    /** This node could not renew its leases in time: it closes its connections and admits nobody. */
    default void fenced(String why) {
    }

    /** This node renewed its leases again and admits again. */
    default void unfenced() {
    }
}
