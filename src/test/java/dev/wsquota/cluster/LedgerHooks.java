package dev.wsquota.cluster;

import java.util.Map;
import java.util.Set;

/** The cluster tests' reads and renewals of a ledger's slots, at a moment the test chooses. */
final class LedgerHooks {

    private LedgerHooks() {
    }

    /** Live slots of one user across the cluster, as a claim counts them. */
    static int count(HazelcastLedger ledger, String user) {
        return ForeignThreadCalls.call(() -> ledger.slots.executeOnKey(user, new ReadSlots()).size());
    }

    /** Re-asserts this member's slots now, as the lease keeper does every third of a lease. */
    static void renew(HazelcastLedger ledger, Map<String, Set<String>> liveByUser) {
        ForeignThreadCalls.run(() -> ledger.leases.renew(liveByUser));
    }
}
