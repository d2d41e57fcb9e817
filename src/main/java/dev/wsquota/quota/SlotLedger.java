package dev.wsquota.quota;

import java.util.Optional;

/**
 * Where a user's slots are counted when several nodes share one quota. The registry asks it after its own
 * checks and before it keeps a new manager; on a single node it is {@link #LOCAL}.
 */
public interface SlotLedger {

    /** A single node: every claim is granted, releases are no-ops, and the registry's own sets are the count. */
    SlotLedger LOCAL = new SlotLedger() {
        @Override
        public Claim claim(String user, String managerId, int limit) {
            return new Claim(true, Claim.OWN_COUNT);
        }

        @Override
        public void release(String user, String managerId) {
            // Nothing is held outside the registry.
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "SlotLedger.LOCAL";
        }
    };

    /**
     * Claims a slot for this manager; granted only while the user's live slots everywhere are fewer than {@code limit}.
     */
    Claim claim(String user, String managerId, int limit);

    /** Gives the manager's slot back; idempotent. A failure is the ledger's to log and count, never the caller's. */
    void release(String user, String managerId);

    /** Why nobody can be admitted now (not joined, too few members, fenced), or empty while the ledger can decide. */
    Optional<String> unavailable();

    /** The answer to a claim: granted or not, and the user's live slots everywhere after it. */
    record Claim(boolean granted, int count) {
        /** The count of a claim that leaves counting to the registry's own sets ({@link #LOCAL}). */
        public static final int OWN_COUNT = -1;
    }
}
