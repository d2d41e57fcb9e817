package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shares one probe of the other nodes per user at a time, so a burst of connections at the quota costs the
 * cluster one request, not one per connection; a probe that cannot run counts as "nothing reclaimed".
 */
final class RemoteProbes {

    private static final Logger LOG = WeakLogger.of(RemoteProbes.class);

    private final Executor executor;
    private final Map<String, CompletableFuture<Integer>> running = new ConcurrentHashMap<>();
    private volatile OtherNodes nodes = OtherNodes.NONE;

    RemoteProbes(Executor executor) {
        this.executor = executor;
    }

    void setNodes(OtherNodes nodes) {
        this.nodes = nodes == null ? OtherNodes.NONE : nodes;
    }

    /**
     * The other nodes' probe of the user's silent managers, waiting at most {@code waitMillis}: the one already
     * running for this user, else a new one on the executor. Completes with how many went, never exceptionally;
     * on a single node it is complete at once with 0.
     */
    CompletableFuture<Integer> probe(String user, long waitMillis) {
        OtherNodes others = nodes;
        if (others == OtherNodes.NONE) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> already = running.putIfAbsent(user, mine);
        if (already != null) {
            return already;
        }
        mine.whenComplete((reclaimed, error) -> running.remove(user, mine));
        try {
            executor.execute(() -> {
                try {
                    mine.complete(others.probe(user, waitMillis));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the other nodes could not probe " + LogSafe.user(user)
                            + "; deciding without", e);
                    mine.complete(0);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot ask the other nodes to probe " + LogSafe.user(user) + "; deciding without",
                    e);
            mine.complete(0);
        }
        return mine;
    }

    /** Closes (4001) the user's oldest manager on the node that holds it; true if one was closed. */
    boolean evictOldest(String user, long waitMillis) {
        return nodes.evictOldest(user, waitMillis);
    }
}
