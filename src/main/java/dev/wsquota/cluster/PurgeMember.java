package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/** Drops every slot a departed member held, at once, instead of waiting for their leases to run out. */
final class PurgeMember implements EntryProcessor<String, Slots, Integer> {

    private static final long serialVersionUID = 1L;

    private final String memberId;

    PurgeMember(String memberId) {
        this.memberId = memberId;
    }

    @Override
    public Integer process(Map.Entry<String, Slots> entry) {
        Slots slots = Slots.of(entry.getValue());
        Slots kept = slots.without(slot -> slot.memberId().equals(memberId));
        if (kept != slots) {
            entry.setValue(kept.orNull());
        }
        return slots.size() - kept.size();
    }
}
