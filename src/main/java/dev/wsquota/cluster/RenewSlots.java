package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member re-asserts the slots it really holds for one user: their leases restart, the ones it no longer
 * holds go (unless a claim of it is in flight or just granted, or was asked for after the member looked: such a
 * claim can reach the partition before this renewal does), and the ones missing (a split-brain merge kept the other
 * side's value) come back. Returns how many of this user's slots are live after it.
 */
final class RenewSlots implements EntryProcessor<String, Slots, Integer> {

    private static final long serialVersionUID = 1L;

    private final String memberId;
    private final Set<String> managerIds;
    /** Claims in flight or just granted: kept (renewed) if present, never added, as they may still be refused. */
    private final Set<String> claimedIds;
    private final long leaseMillis;
    /** The member's claim count when it looked: a slot of a later claim is not this renewal's to drop. */
    private final long claimedUpTo;
    private transient Slots result;

    RenewSlots(String memberId, Set<String> managerIds, Set<String> claimedIds, long leaseMillis, long claimedUpTo) {
        this.memberId = memberId;
        this.managerIds = new HashSet<>(managerIds);
        this.claimedIds = new HashSet<>(claimedIds);
        this.leaseMillis = leaseMillis;
        this.claimedUpTo = claimedUpTo;
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
            } else if (slot.claimSeq() > claimedUpTo && !slot.expiredAt(nowMillis)) {
                kept.add(slot); // claimed after the member looked: its next renewal decides
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
