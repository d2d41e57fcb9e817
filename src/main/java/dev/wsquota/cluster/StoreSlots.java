package dev.wsquota.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * The backup side of a time-dependent processor: stores exactly what the primary computed, so a backup
 * never re-decides a claim or a lease with its own, later clock.
 */
final class StoreSlots<R> implements EntryProcessor<String, Slots, R> {

    private static final long serialVersionUID = 1L;

    private final Slots value;

    StoreSlots(Slots value) {
        this.value = value;
    }

    @Override
    public R process(Map.Entry<String, Slots> entry) {
        entry.setValue(value);
        return null;
    }

    @Override
    public EntryProcessor<String, Slots, R> getBackupProcessor() {
        return null;
    }
}
