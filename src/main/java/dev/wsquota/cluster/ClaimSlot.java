package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;
import dev.wsquota.quota.SlotLedger;

import java.util.Map;

/**
 * A user's admission decided on the user's partition thread, where no other change to that user interleaves:
 * drop the expired slots, then grant only below the quota. The lease is a duration applied by the partition
 * owner's clock, never a time stamp from the asking node.
 */
final class ClaimSlot implements EntryProcessor<String, Slots, SlotLedger.Claim> {

    private static final long serialVersionUID = 1L;

    private final String memberId;
    private final String managerId;
    private final int limit;
    private final long leaseMillis;
    private final long claimSeq;
    /** What the primary stored; its backups store the same. */
    private transient Slots result;

    ClaimSlot(String memberId, String managerId, int limit, long leaseMillis, long claimSeq) {
        this.memberId = memberId;
        this.managerId = managerId;
        this.limit = limit;
        this.leaseMillis = leaseMillis;
        this.claimSeq = claimSeq;
    }

    @Override
    public SlotLedger.Claim process(Map.Entry<String, Slots> entry) {
        return apply(entry, System.currentTimeMillis());
    }

    SlotLedger.Claim apply(Map.Entry<String, Slots> entry, long nowMillis) {
        Slots live = Slots.of(entry.getValue()).liveAt(nowMillis);
        boolean granted;
        if (live.indexOf(memberId, managerId) >= 0) {
            granted = true; // a retried claim of the same manager holds one slot, not two
        } else if (live.size() < limit) {
            live = live.with(new Slot(managerId, memberId, nowMillis + leaseMillis, claimSeq));
            granted = true;
        } else {
            granted = false;
        }
        result = live;
        entry.setValue(live.orNull());
        return new SlotLedger.Claim(granted, live.size());
    }

    @Override
    public EntryProcessor<String, Slots, SlotLedger.Claim> getBackupProcessor() {
        return result == null ? this : new StoreSlots<>(result.orNull());
    }
}
