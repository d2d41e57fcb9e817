package dev.wsquota.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/** Reads a user's live slots on the partition owner, with the owner's clock, changing nothing. */
final class ReadSlots implements EntryProcessor<String, Slots, Slots>, ReadOnly {

    private static final long serialVersionUID = 1L;

    @Override
    public Slots process(Map.Entry<String, Slots> entry) {
        return Slots.of(entry.getValue()).liveAt(System.currentTimeMillis());
    }

    @Override
    public EntryProcessor<String, Slots, Slots> getBackupProcessor() {
        return null;
    }
}
