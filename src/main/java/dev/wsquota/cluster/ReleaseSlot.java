package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/** Removes one manager's slot; removing one that is not there changes nothing, so a release is idempotent. */
final class ReleaseSlot implements EntryProcessor<String, Slots, Boolean> {

    private static final long serialVersionUID = 1L;

    private final String memberId;
    private final String managerId;

    ReleaseSlot(String memberId, String managerId) {
        this.memberId = memberId;
        this.managerId = managerId;
    }

    @Override
    public Boolean process(Map.Entry<String, Slots> entry) {
        Slots slots = entry.getValue();
        if (slots == null || slots.indexOf(memberId, managerId) < 0) {
            return false; // nothing written, so nothing for the backups to repeat
        }
        entry.setValue(slots.without(slot -> slot.isOf(memberId, managerId)).orNull());
        return true;
    }
}
