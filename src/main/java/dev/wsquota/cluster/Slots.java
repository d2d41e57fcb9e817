package dev.wsquota.cluster;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The value stored per user in the cluster map: that user's slots, oldest first. Immutable; every change makes a new
 * one.
 */
record Slots(List<Slot> list) implements Serializable {

    static final Slots NONE = new Slots(List.of());

    Slots {
        list = List.copyOf(list);
    }

    static Slots of(Slots maybe) {
        return maybe == null ? NONE : maybe;
    }

    int size() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** These slots without the ones whose lease ended by {@code nowMillis}. */
    Slots liveAt(long nowMillis) {
        return without(slot -> slot.expiredAt(nowMillis));
    }

    Slots without(Predicate<Slot> drop) {
        List<Slot> kept = new ArrayList<>(list.size());
        for (Slot slot : list) {
            if (!drop.test(slot)) {
                kept.add(slot);
            }
        }
        return kept.size() == list.size() ? this : new Slots(kept);
    }

    Slots with(Slot slot) {
        List<Slot> more = new ArrayList<>(list.size() + 1);
        more.addAll(list);
        more.add(slot);
        return new Slots(more);
    }

    int indexOf(String memberId, String managerId) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isOf(memberId, managerId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value to store: null (which deletes the entry) when no slot is left, so the map holds only users with slots.
     */
    Slots orNull() {
        return list.isEmpty() ? null : this;
    }
}
