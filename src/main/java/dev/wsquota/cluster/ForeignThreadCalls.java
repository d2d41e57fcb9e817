package dev.wsquota.cluster;

import com.hazelcast.internal.namespace.impl.NodeEngineThreadLocalContext;
import com.hazelcast.spi.impl.NodeEngine;

import java.util.function.Supplier;

/**
 * Runs a call into Hazelcast on a thread Hazelcast does not own (a JMX connection, a request, a managed executor)
 * and leaves that thread's Hazelcast state as it found it, so the thread cannot keep an undeployed version loaded.
 * <p>
 * Why: Hazelcast 5.7 runs a generic operation (a map scan such as {@code entrySet()}, a partition-wide entry
 * processor, a task for a member) on the calling thread, and first puts its {@code NodeEngine} in a static
 * thread-local ({@code NodeEngineThreadLocalContext}) that it never removes. The container's threads outlive the
 * deployment, and that {@code NodeEngine} holds the member whose config holds the application's class loader.
 * Hazelcast has no public API to clear it, so this is the one place that uses that internal class.
 */
final class ForeignThreadCalls {

    private ForeignThreadCalls() {
    }

    /**
     * Returns what {@code call} returns (or throws what it throws), with the thread's NodeEngine reference restored.
     */
    static <T> T call(Supplier<T> call) {
        NodeEngine before = NodeEngineThreadLocalContext.getNodeEngineThreadLocalContextOrNull();
        try {
            return call.get();
        } finally {
            restore(before);
        }
    }

    static void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /**
     * Removes a reference the call left, or puts back the one the thread had before: Hazelcast's own threads set
     * theirs when they start and need it kept (our code runs on them too, e.g. a task from another member).
     */
    private static void restore(NodeEngine before) {
        if (before == null) {
            NodeEngineThreadLocalContext.destroyNodeEngineReference();
        } else if (NodeEngineThreadLocalContext.getNodeEngineThreadLocalContextOrNull() != before) {
            NodeEngineThreadLocalContext.declareNodeEngineReference(before);
        }
    }
}
