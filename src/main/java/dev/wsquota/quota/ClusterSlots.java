package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry's side of the cluster's slot ledger, so admission has one path: on a single node (no
 * ledger) every claim is granted and every release is a no-op, and the registry's own sets are the count.
 */
final class ClusterSlots {

    /** The count of a claim granted on a single node: the registry's own count applies. */
    static final int LOCAL = -1;

    private static final Logger LOG = WeakLogger.of(ClusterSlots.class);

    private final SlotLedger ledger;

    /** @param ledger the cluster's slots, or null on a single node */
    ClusterSlots(SlotLedger ledger) {
        this.ledger = ledger;
    }

    /** The cluster's answer, or null when it cannot decide now (unavailable, or the call failed: logged). */
    SlotLedger.Claim claim(Manager manager, int limit) {
        if (ledger == null) {
            return new SlotLedger.Claim(true, LOCAL);
        }
        if (ledger.unavailable().isPresent()) {
            return null;
        }
        try {
            return ledger.claim(manager.user(), manager.id(), limit);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the cluster could not decide the admission of " + LogSafe.user(manager.user())
                    + "; refused with 1013", e);
            return null;
        }
    }

    /** Why the last claim could not be decided, for the 1013 close reason. */
    String unavailableReason() {
        return ledger == null ? "" : ledger.unavailable().orElse("quota service unavailable: the cluster did not answer");
    }

    void release(Manager manager) {
        if (ledger != null) {
            ledger.release(manager.user(), manager.id());
        }
    }
}
