package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member re-asserts the slots it really holds for one user: their leases restart, the ones it no longer
 * holds go (unless a claim of it is in flight or just granted), and the ones missing (a split-brain merge kept the
 * other side's value) come back. Returns how
 * many of this user's slots are live after it.
 */
final class RenewSlots implements EntryProcessor<String, Slots, Integer> {

    private static final long serialVersionUID = 1L;

    private final String memberId;
    private final Set<String> managerIds;
    /** Claims in flight or just granted: kept (renewed) if present, never added, as they may still be refused. */
    private final Set<String> claimedIds;
    private final long leaseMillis;
    private transient Slots result;

    RenewSlots(String memberId, Set<String> managerIds, Set<String> claimedIds, long leaseMillis) {
        this.memberId = memberId;
        this.managerIds = new HashSet<>(managerIds);
        this.claimedIds = new HashSet<>(claimedIds);
        this.leaseMillis = leaseMillis;
    }

    @Override
    public Integer process(Map.Entry<String, Slots> entry) {
        return apply(entry, System.currentTimeMillis());
    }

    Integer apply(Map.Entry<String, Slots> entry, long nowMillis) {
        long expiresAt = nowMillis + leaseMillis;
        Set<String> missing = new HashSet<>(managerIds);
        List<Slot> kept = new ArrayList<>();
        for (Slot slot : Slots.of(entry.getValue()).list()) {
            if (!slot.memberId().equals(memberId)) {
                if (!slot.expiredAt(nowMillis)) {
                    kept.add(slot);
                }
            } else if (missing.remove(slot.managerId()) || claimedIds.contains(slot.managerId())) {
                kept.add(slot.renewedUntil(expiresAt));
            }
        }
        for (String managerId : missing) {
            kept.add(new Slot(managerId, memberId, expiresAt));
        }
        result = new Slots(kept);
        entry.setValue(result.orNull());
        return result.size();
    }

    @Override
    public EntryProcessor<String, Slots, Integer> getBackupProcessor() {
        return result == null ? this : new StoreSlots<>(result.orNull());
    }
}
