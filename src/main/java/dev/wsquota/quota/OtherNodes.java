package dev.wsquota.quota;

/**
 * The other nodes of a cluster as admission at the quota needs them: their silent managers of the user
 * probed, and the user's oldest manager wherever it is evicted. {@link #NONE} on a single node.
 */
public interface OtherNodes {

    OtherNodes NONE = new OtherNodes() {
        @Override
        public int probe(String user, long waitMillis) {
            return 0;
        }

        @Override
        public boolean evictOldest(String user, long waitMillis) {
            return false;
        }
    };

    /**
     * Has the other nodes probe the user's silent managers, waiting at most {@code waitMillis}; returns how many went.
     */
    int probe(String user, long waitMillis);

    /** Closes (4001) the user's oldest manager on the node that holds it; true if one was closed. */
    boolean evictOldest(String user, long waitMillis);
}
