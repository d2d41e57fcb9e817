package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.namespace.impl.NodeEngineThreadLocalContext;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.impl.NodeEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A real one-member cluster; each call runs on a new plain thread, as on a container's thread. */
@StartsHazelcastMembers
class ForeignThreadCallsTest {

    private static HazelcastInstance member;
    private static HazelcastLedger ledger;

    @BeforeAll
    static void start() throws IOException {
        int port = FreePorts.of(1)[0];
        ClusterSettings settings = new ClusterSettings(true, "test-" + System.nanoTime(), port,
                List.of("127.0.0.1:" + port), 15, 1);
        member = Hazelcast.newHazelcastInstance(HazelcastMember.config(settings,
                ForeignThreadCallsTest.class.getClassLoader()));
        ledger = new HazelcastLedger(member, settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                System::currentTimeMillis);
        ledger.claim("alice", "m1", 5);
    }

    @AfterAll
    static void stop() {
        member.getLifecycleService().terminate();
    }

    /** What a plain thread ran, and the NodeEngine reference the thread holds afterwards. */
    private record Ran<T>(T result, NodeEngine left) {
    }

    private static <T> Ran<T> onNewThread(Callable<T> call) throws InterruptedException {
        AtomicReference<Ran<T>> ran = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                T result = call.call();
                ran.set(new Ran<>(result, NodeEngineThreadLocalContext.getNodeEngineThreadLocalContextOrNull()));
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "container-like");
        thread.start();
        thread.join(30_000);
        if (failed.get() != null) {
            throw new AssertionError("the call failed", failed.get());
        }
        return ran.get();
    }

    @Test
    void aMapScanOnAPlainThreadLeavesHazelcastsNodeEngineThere() throws Exception {
        IMap<String, Slots> slots = member.getMap(HazelcastLedger.SLOTS_MAP);
        Ran<Integer> bare = onNewThread(() -> slots.entrySet().size());
        assertEquals(1, bare.result());
        assertNotNull(bare.left(), "Hazelcast no longer leaves it: ForeignThreadCalls may be unnecessary now");
    }

    @Test
    void theSameScanThroughItLeavesNothing() throws Exception {
        IMap<String, Slots> slots = member.getMap(HazelcastLedger.SLOTS_MAP);
        Ran<Integer> wrapped = onNewThread(() -> ForeignThreadCalls.call(() -> slots.entrySet().size()));
        assertEquals(1, wrapped.result());
        assertNull(wrapped.left());
    }

    @Test
    void theLedgersAndTheOperatorsCallsLeaveNothing() throws Exception {
        assertNull(onNewThread(() -> ledger.counts()).left(), "counts (the cluster MXBean's UserManagerCounts)");
        assertNull(onNewThread(() -> ledger.managers().list("alice")).left(), "list on every member");
        assertNull(onNewThread(() -> ledger.managers().disconnect("alice")).left(), "disconnect on every member");
        assertNull(onNewThread(() -> Map.copyOf(ledger.sharedQuotaOverrides())).left(), "all quota overrides");
        assertNull(onNewThread(() -> ledger.tick(() -> Map.of("alice", Set.of("m1")))).left(), "lease tick");
        assertEquals(Map.of("alice", 1), onNewThread(() -> ledger.counts()).result());
    }

    @Test
    void aThreadThatHadAReferenceKeepsIt() throws Exception {
        IMap<String, Slots> slots = member.getMap(HazelcastLedger.SLOTS_MAP);
        AtomicReference<NodeEngine> before = new AtomicReference<>();
        Ran<Integer> ran = onNewThread(() -> {
            slots.entrySet(); // as Hazelcast's own threads have one from their start
            before.set(NodeEngineThreadLocalContext.getNodeEngineThreadLocalContextOrNull());
            return ForeignThreadCalls.call(() -> slots.entrySet().size());
        });
        assertNotNull(before.get());
        assertSame(before.get(), ran.left());
    }

    @Test
    void aFailingCallThrowsAndStillLeavesNothing() throws Exception {
        IMap<String, Slots> slots = member.getMap(HazelcastLedger.SLOTS_MAP);
        Ran<String> ran = onNewThread(() -> {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> ForeignThreadCalls.run(() -> {
                slots.entrySet();
                throw new IllegalStateException("the call's own failure");
            }));
            return thrown.getMessage();
        });
        assertEquals("the call's own failure", ran.result());
        assertNull(ran.left());
    }
}
