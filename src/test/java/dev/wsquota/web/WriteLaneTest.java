package dev.wsquota.web;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteLaneTest {

    private final WriteLane lane = new WriteLane();
    private final List<String> started = new ArrayList<>();

    @Test
    void aWriteOnAnIdleLaneStartsOnTheCallersThread() {
        lane.message(() -> started.add("m1"));
        assertEquals(List.of("m1"), started);
        assertTrue(LaneState.busy(lane), "taken until the write says it finished");
        lane.finished();
        assertFalse(LaneState.busy(lane));
    }

    @Test
    void writesBehindOneInProgressAreStartedByItsEndNotByAWaitingThread() {
        lane.message(() -> started.add("m1"));
        lane.urgent(() -> started.add("ping"));
        lane.message(() -> started.add("m2"));
        lane.urgent(() -> started.add("close"));
        assertEquals(List.of("m1"), started, "queued, nobody waiting");
        assertEquals(3, LaneState.waiting(lane));

        lane.finished();
        assertEquals(List.of("m1", "ping"), started, "a ping goes before a queued message");
        lane.finished();
        assertEquals(List.of("m1", "ping", "close"), started);
        lane.finished();
        assertEquals(List.of("m1", "ping", "close", "m2"), started, "then the message");
        lane.finished();
        assertFalse(LaneState.busy(lane));
        assertEquals(0, LaneState.waiting(lane));
    }

    @Test
    void aSecondMessageWhileOneWaitsIsAProgrammingError() {
        lane.urgent(() -> started.add("ping"));
        lane.message(() -> started.add("m1"));
        assertThrows(IllegalStateException.class, () -> lane.message(() -> started.add("m2")));
    }

    @Test
    void aWaitingThreadGetsTheLaneWhenTheWriteBeforeItEnds() throws Exception {
        lane.message(() -> started.add("m1"));
        AtomicBoolean got = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread echo = new Thread(() -> {
            try {
                got.set(lane.awaitTurn(TimeUnit.SECONDS.toNanos(60)));
                lane.message(() -> started.add("never before the echo ends"));
                lane.finished();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        });
        echo.start();
        while (LaneState.waiting(lane) == 0) {
            Thread.onSpinWait();
        }
        lane.finished();
        assertTrue(done.await(60, TimeUnit.SECONDS));
        assertTrue(got.get());
        assertEquals(List.of("m1", "never before the echo ends"), started,
                "the message queued while the echo had the lane started when the echo finished");
    }

    @Test
    void aWaitThatRunsOutGivesUpItsTurnAndLeavesNothingBehind() throws Exception {
        lane.message(() -> started.add("m1"));
        assertFalse(lane.awaitTurn(TimeUnit.MILLISECONDS.toNanos(20)));
        assertEquals(0, LaneState.waiting(lane), "the turn is withdrawn");
        lane.finished();
        assertFalse(LaneState.busy(lane), "nobody was handed a lane they would never finish");
    }

    @Test
    void aWriteStartedInsideTheEndOfAnotherKeepsTheOrder() {
        // A container that calls back on the thread that started the write: the next write starts from inside it.
        List<String> order = new ArrayList<>();
        Runnable[] second = new Runnable[1];
        lane.message(() -> order.add("m1"));
        lane.urgent(() -> {
            order.add("ping");
            lane.finished();
        });
        second[0] = () -> {
            order.add("m2");
            lane.finished();
        };
        lane.message(second[0]);
        lane.finished();
        assertEquals(List.of("m1", "ping", "m2"), order);
        assertFalse(LaneState.busy(lane));
    }
}
