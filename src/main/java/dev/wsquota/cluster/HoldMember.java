package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps a departed member's slots until a given time, even where their leases would end sooner: a member cut off
 * from the others may still serve those connections until its lease runs out and it fences, so its slots must not
 * be given away before that (see {@link ClusterSettings#purgeGraceMillis}).
 */
final class HoldMember implements EntryProcessor<String, Slots, Integer> {

    private static final long serialVersionUID = 1L;

    private final String memberId;
    /** Absolute, on the clock of the member that decided it, so primary and backup store the same. */
    private final long untilMillis;

    HoldMember(String memberId, long untilMillis) {
        this.memberId = memberId;
        this.untilMillis = untilMillis;
    }

    @Override
    public Integer process(Map.Entry<String, Slots> entry) {
        Slots slots = Slots.of(entry.getValue());
        List<Slot> held = new ArrayList<>(slots.size());
        int extended = 0;
        for (Slot slot : slots.list()) {
            if (slot.memberId().equals(memberId) && slot.expiresAtMillis() < untilMillis) {
                held.add(slot.renewedUntil(untilMillis));
                extended++;
            } else {
                held.add(slot);
            }
        }
        if (extended > 0) {
            entry.setValue(new Slots(held));
        }
        return extended;
    }
}
