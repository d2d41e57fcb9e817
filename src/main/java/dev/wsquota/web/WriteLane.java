package dev.wsquota.web;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One connection's writes, one at a time, without a thread waiting for its turn: a write that finds another in
 * progress is queued, and whoever finishes the write in progress starts the next one. The container runs the
 * completions of asynchronous writes on the same thread pool as the application's pings; a ping parked there
 * waiting for a write to end would hold a thread the write's own completion needs.
 *
 * <p>Pings, closes and basic writes go before a queued message, so a stream of messages cannot starve them.
 * Only a caller that must write on its own thread (a basic write, a close) waits for its turn, bounded.
 */
final class WriteLane {

    /** A write waiting for its turn; {@link #start} runs once it has the lane and must lead to {@link #finished}. */
    private interface Queued {
        void start();
    }

    /** A thread waiting for its turn: the finisher hands the lane over by marking it, not by running anything. */
    private static final class Turn implements Queued {
        private boolean granted;

        @Override
        public void start() {
            // Granted under the lane's monitor by the finisher; the waiting thread wakes up and writes.
        }
    }

    /** Made on the first write that has to wait: most connections never have one (memory per held connection). */
    ArrayDeque<Queued> urgent;
    /** Guarded by this, as are the other fields: at most one message waits (its sender has one in flight). */
    Runnable message;
    /** True while a write is in progress. Package-private, like the two above: tests read them under the lock. */
    boolean busy;

    /**
     * Starts the write now on this thread if no other is in progress, else queues it behind the pings, closes and
     * basic writes already waiting. {@code write} must call {@link #finished} exactly once when its write ends.
     */
    void message(Runnable write) {
        synchronized (this) {
            if (busy) {
                if (message != null) {
                    throw new IllegalStateException("one message at a time per connection");
                }
                message = write;
                return;
            }
            busy = true;
        }
        write.run();
    }

    /**
     * As {@link #message} for a write that must not wait behind queued messages (a ping handed to an executor):
     * it runs on this thread now, or on the thread that finishes the write in progress.
     */
    void urgent(Runnable write) {
        synchronized (this) {
            if (busy) {
                waitingUrgent().addLast(write::run);
                return;
            }
            busy = true;
        }
        write.run();
    }

    /**
     * Waits up to {@code timeoutNanos} for this thread's turn; true when the lane is this thread's (it must then call
     * {@link #finished}), false when the time ran out (the turn is given up; nothing to finish).
     */
    boolean awaitTurn(long timeoutNanos) throws InterruptedException {
        Turn turn;
        synchronized (this) {
            if (!busy) {
                busy = true;
                return true;
            }
            turn = new Turn();
            waitingUrgent().addLast(turn);
            long deadline = System.nanoTime() + timeoutNanos;
            try {
                for (long left = timeoutNanos; !turn.granted; left = deadline - System.nanoTime()) {
                    if (left <= 0) {
                        urgent.remove(turn);
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                if (turn.granted) {
                    Thread.currentThread().interrupt();
                    return true; // the lane is this thread's already: the caller writes and finishes it
                }
                urgent.remove(turn);
                throw e;
            }
            return true;
        }
    }

    /** The write in progress ended: the next queued one starts, on this thread unless it is a waiting thread's. */
    void finished() {
        Queued next;
        synchronized (this) {
            next = urgent == null ? null : urgent.pollFirst();
            if (next == null && message != null) {
                Runnable write = message;
                message = null;
                next = write::run;
            }
            if (next == null) {
                busy = false;
                return;
            }
            if (next instanceof Turn turn) {
                turn.granted = true;
                notifyAll();
                return;
            }
        }
        next.start();
    }

    private ArrayDeque<Queued> waitingUrgent() {
        if (urgent == null) {
            urgent = new ArrayDeque<>(2);
        }
        return urgent;
    }
}
