package dev.wsquota.cluster;

import com.hazelcast.map.IMap;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * The per-user quota overrides every member shares, as the plain map the quota limits read and write: each call
 * reaches the cluster map through {@link ForeignThreadCalls}, and a read of all of them is a snapshot.
 */
final class SharedOverrides extends AbstractMap<String, Integer> {

    private final IMap<String, Integer> shared;

    SharedOverrides(IMap<String, Integer> shared) {
        this.shared = shared;
    }

    @Override
    public Integer get(Object user) {
        return ForeignThreadCalls.call(() -> shared.get(user));
    }

    @Override
    public boolean containsKey(Object user) {
        return ForeignThreadCalls.call(() -> shared.containsKey(user));
    }

    @Override
    public Integer put(String user, Integer quota) {
        return ForeignThreadCalls.call(() -> shared.put(user, quota));
    }

    @Override
    public Integer remove(Object user) {
        return ForeignThreadCalls.call(() -> shared.remove(user));
    }

    /** A copy taken now (a scan of the whole map); changing it does not change the overrides. */
    @Override
    public Set<Entry<String, Integer>> entrySet() {
        return ForeignThreadCalls.call(() -> Map.copyOf(shared).entrySet());
    }
}
