package dev.wsquota.quota;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One manager's outbound queue: the application's messages wait here, bounded in bytes, and go to the peer one at a
 * time through {@link Connection#sendAsync}, in the order they were offered. An offer never waits for the peer; a
 * peer that lets the queue fill up or keeps one send pending too long is closed as a slow consumer by its
 * {@link Outboxes}. The bytes counted are those of the messages offered and not yet taken by the container,
 * the one being written included.
 */
final class Outbox {

    /** What became of one offered message. */
    enum Offer {
        /** In the queue (or being written). */
        QUEUED,
        /** Refused: the queue was full; the peer is being closed as too slow. */
        FULL,
        /** Refused: the manager is closing or closed. */
        CLOSED
    }

    private record Pending(String text, int bytes) {
    }

    private final Manager manager;
    private final Outboxes owner;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>(2);
    /** Guarded by this, as are the flags below. */
    private long queuedBytes;
    /** A send is in flight (or about to be started by the thread that set it). */
    private boolean sending;
    /** The thread running {@link #pump} is inside sendAsync: a completion now lets it go on instead of recursing. */
    private boolean starting;
    private boolean completedWhileStarting;
    /** Waiting for the welcome to go out first. */
    private boolean held;
    private boolean closed;
    /** When the send in flight started (nanoTime), 0 when none is. */
    private volatile long sendStartedNanos;

    Outbox(Manager manager, Outboxes owner, boolean held) {
        this.manager = manager;
        this.owner = owner;
        this.held = held;
    }

    /** Queues the message, or refuses it; never waits for the peer. */
    Offer offer(String text, int bytes) {
        boolean start;
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            // A message alone in an empty queue is always taken: a limit below a message's size cannot starve a reader.
            if (!queue.isEmpty() && queuedBytes + bytes > owner.limits().maxQueuedBytes()) {
                return Offer.FULL;
            }
            queue.addLast(new Pending(text, bytes));
            queuedBytes += bytes;
            start = !sending && !held;
            if (start) {
                sending = true;
            }
        }
        if (start) {
            pump();
        }
        return Offer.QUEUED;
    }

    /** The welcome went out: what waited for it goes now. */
    void release() {
        boolean start;
        synchronized (this) {
            if (!held) {
                return;
            }
            held = false;
            start = !sending && !closed && !queue.isEmpty();
            if (start) {
                sending = true;
            }
        }
        if (start) {
            pump();
        }
    }

    /** Sends queued messages one at a time; completions that come back on this thread continue the loop here. */
    private void pump() {
        for (;;) {
            Pending next;
            synchronized (this) {
                next = queue.peekFirst();
                if (next == null || closed) {
                    sending = false;
                    sendStartedNanos = 0;
                    return;
                }
                starting = true;
                completedWhileStarting = false;
                sendStartedNanos = Math.max(1, owner.nanoTime());
            }
            Pending sent = next;
            try {
                long timeoutMillis = TimeUnit.SECONDS.toMillis(owner.limits().sendTimeoutSeconds());
                manager.connection().sendAsync(sent.text(), timeoutMillis, failure -> completed(sent, failure));
            } catch (RuntimeException e) {
                completed(sent, e); // a connection that throws instead of calling back: the same failure
            }
            synchronized (this) {
                starting = false;
                if (!completedWhileStarting) {
                    return; // the completion comes later, on another thread, and goes on from there
                }
            }
        }
    }

    private void completed(Pending sent, Throwable failure) {
        boolean goOn;
        boolean timedOut = false;
        synchronized (this) {
            if (failure != null) {
                timedOut = overdue(owner.nanoTime(), TimeUnit.SECONDS.toNanos(owner.limits().sendTimeoutSeconds()));
            }
            if (queue.peekFirst() == sent) {
                queue.pollFirst();
                queuedBytes -= sent.bytes();
            }
            sendStartedNanos = 0;
            if (failure != null) {
                dropLocked();
            }
            if (starting) {
                completedWhileStarting = true;
                goOn = false;
            } else {
                goOn = true;
            }
        }
        if (failure == null) {
            manager.messageOut();
            owner.counters().countWritten();
        } else if (timedOut) {
            owner.sendTimedOut(manager); // the container gave up on the write before the check came round
        } else {
            owner.sendFailed(manager, failure);
        }
        if (goOn) {
            pump();
        }
    }

    /** Stops taking messages and frees the queued ones. */
    synchronized void close() {
        dropLocked();
    }

    private void dropLocked() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
    }

    /** Bytes waiting now, the message being written included. */
    synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** True when the message being written has been in flight longer than {@code timeoutNanos}. */
    boolean overdue(long nowNanos, long timeoutNanos) {
        long started = sendStartedNanos;
        return started != 0 && nowNanos - started > timeoutNanos;
    }
}
