package dev.wsquota.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloseLaneTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicLong clock = new AtomicLong();
    private final CountDownLatch peersRead = new CountDownLatch(1);
    private final AtomicInteger inClose = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();

    @AfterEach
    void stopPool() {
        peersRead.countDown();
        pool.shutdownNow();
    }

    /** A close that blocks until the peers read, like Liberty's close waiting for its read cancel or its write. */
    private void blockingClose() {
        mostAtOnce.accumulateAndGet(inClose.incrementAndGet(), Math::max);
        try {
            peersRead.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inClose.decrementAndGet();
            done.incrementAndGet();
        }
    }

    @Test
    void aBurstOfClosesTakesAtMostTheWidthOfThePoolAndAllRun() throws InterruptedException {
        CloseLane lane = new CloseLane(pool, 4, 64, clock::get);
        for (int i = 0; i < 200; i++) {
            lane.execute(this::blockingClose);
        }
        Await.until(() -> inClose.get() == 4);
        assertEquals(4, lane.running.get());
        assertEquals(196, lane.queue.size());

        peersRead.countDown();
        Await.until(() -> done.get() == 200);
        assertEquals(4, mostAtOnce.get(), "most closes running at once");
        Await.until(() -> lane.running.get() == 0);
        assertEquals(0, lane.queue.size());
    }

    @Test
    void whileNoCloseHasFinishedForASecondOneMoreMayRunUpToTheCeiling() throws InterruptedException {
        CloseLane lane = new CloseLane(pool, 2, 3, clock::get);
        for (int i = 0; i < 5; i++) {
            lane.execute(this::blockingClose);
        }
        Await.until(() -> inClose.get() == 2);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(900));
        lane.execute(this::blockingClose);
        assertEquals(2, lane.running.get(), "not stalled yet");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        lane.execute(this::blockingClose);
        Await.until(() -> inClose.get() == 3);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        lane.execute(this::blockingClose);
        assertEquals(3, lane.running.get(), "the ceiling");

        peersRead.countDown();
        Await.until(() -> done.get() == 8);
        assertEquals(3, mostAtOnce.get());
    }

    @Test
    void whenThePoolRefusesTheCallerRunsTheClose() {
        CloseLane lane = new CloseLane(task -> {
            throw new RejectedExecutionException("CWWKE1202E: the executor is shut down");
        }, 4, 64, clock::get);

        lane.execute(done::incrementAndGet);

        assertEquals(1, done.get(), "run on the calling thread, not dropped");
        assertEquals(0, lane.queue.size());
        assertEquals(0, lane.running.get());
    }

    @Test
    void closesQueuedBehindARunnerThePoolNeverRunsAreNotStranded() {
        List<Runnable> accepted = new ArrayList<>();
        // Takes the first runner and never runs it (cancelled as the application stops), then refuses.
        CloseLane lane = new CloseLane(task -> {
            if (!accepted.isEmpty()) {
                throw new RejectedExecutionException("CWWKE1202E: the executor is shut down");
            }
            accepted.add(task);
        }, 1, 2, clock::get);
        lane.execute(done::incrementAndGet);
        lane.execute(done::incrementAndGet);
        assertEquals(2, lane.queue.size(), "both wait for the runner");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1100)); // no close has finished for a second
        lane.execute(done::incrementAndGet);

        assertEquals(3, done.get(), "the refused extra runner's caller ran every queued close");
        assertEquals(0, lane.queue.size());
    }

    @Test
    void aCloseThatThrowsDoesNotStopTheOthers() throws InterruptedException {
        CloseLane lane = new CloseLane(pool, 1, 1, clock::get);
        lane.execute(() -> {
            throw new IllegalStateException("test: an escaped close failure");
        });
        lane.execute(done::incrementAndGet);

        Await.until(() -> done.get() == 1);
        Await.until(() -> lane.running.get() == 0);
    }

    /** Polls a condition for up to 10 s. */
    private static final class Await {
        static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
                Thread.sleep(5);
            }
        }
    }
}
