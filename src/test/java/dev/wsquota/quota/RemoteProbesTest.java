package dev.wsquota.quota;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteProbesTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final RemoteProbes probes = new RemoteProbes(executor);
    private final AtomicInteger asked = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    /** Other nodes that wait for the test before answering, and reclaim 2 managers of whoever is asked. */
    private final OtherNodes slowNodes = new OtherNodes() {
        @Override
        public int probe(String user, long waitMillis) {
            asked.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 2;
        }

        @Override
        public boolean evictOldest(String user, long waitMillis) {
            return user.equals("evictable");
        }
    };

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void onASingleNodeTheAnswerIsNothingReclaimedAtOnce() {
        CompletableFuture<Integer> none = probes.probe("alice", 200);
        assertTrue(none.isDone());
        assertEquals(0, none.join());
        assertEquals(false, probes.evictOldest("alice", 200));
    }

    @Test
    void aBurstForOneUserSharesOneProbeAndTheNextBurstStartsANewOne() throws Exception {
        probes.setNodes(slowNodes);
        CompletableFuture<Integer> first = probes.probe("alice", 200);
        List<CompletableFuture<Integer>> burst = List.of(probes.probe("alice", 200), probes.probe("alice", 200));
        burst.forEach(each -> assertSame(first, each, "joined the running probe"));
        CompletableFuture<Integer> bob = probes.probe("bob", 200);
        assertNotSame(first, bob, "another user gets a probe of their own");
        release.countDown();
        assertEquals(2, first.get(5, TimeUnit.SECONDS));
        assertEquals(2, bob.get(5, TimeUnit.SECONDS));
        assertEquals(2, asked.get(), "one request for alice's burst, one for bob");

        CompletableFuture<Integer> later = probes.probe("alice", 200);
        assertNotSame(first, later, "a finished probe is not reused");
        assertEquals(2, later.get(5, TimeUnit.SECONDS));
        assertEquals(3, asked.get());
    }

    @Test
    void aProbeThatFailsOrCannotStartCountsAsNothingReclaimed() throws Exception {
        probes.setNodes(new OtherNodes() {
            @Override
            public int probe(String user, long waitMillis) {
                throw new IllegalStateException("member gone");
            }

            @Override
            public boolean evictOldest(String user, long waitMillis) {
                return false;
            }
        });
        assertEquals(0, probes.probe("alice", 200).get(5, TimeUnit.SECONDS));

        executor.shutdown(); // the application is stopping: the executor refuses the task
        CompletableFuture<Integer> refused = probes.probe("alice", 200);
        assertTrue(refused.isDone());
        assertEquals(0, refused.join());
    }

    @Test
    void evictionIsAskedOfTheNodesSetNowAndNullMeansNone() {
        probes.setNodes(slowNodes);
        assertTrue(probes.evictOldest("evictable", 200));
        probes.setNodes(null);
        assertEquals(false, probes.evictOldest("evictable", 200));
    }
}
