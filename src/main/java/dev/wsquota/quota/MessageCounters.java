package dev.wsquota.quota;

import java.util.concurrent.atomic.LongAdder;

/**
 * Since-start totals of the messages the application sent to managers. Only events are counted here: the bytes
 * waiting now are read from the live managers' queues (see {@link Outboxes#queuedBytes()}).
 */
public final class MessageCounters {

    private final LongAdder delivered = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder slowQueueFull = new LongAdder();
    private final LongAdder slowSendTimeout = new LongAdder();
    private final LongAdder checkFailures = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();

    void countDelivered() {
        delivered.increment();
    }

    void countRefused() {
        refused.increment();
    }

    void countWritten() {
        written.increment();
    }

    void slowConsumer(boolean queueFull) {
        (queueFull ? slowQueueFull : slowSendTimeout).increment();
    }

    /** The periodic check for slow sends failed (logged with its cause). */
    public void countCheckFailed() {
        checkFailures.increment();
    }

    void countSendFailed() {
        sendFailures.increment();
    }

    /** Writes the container reported as failed before their time limit (mostly connections closing), since start. */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /** Runs of the slow-send check that failed, since start. */
    public long checkFailures() {
        return checkFailures.sum();
    }

    /** Messages a manager's queue took, since start. */
    public long delivered() {
        return delivered.sum();
    }

    /** Messages refused because the manager's queue was full (or its manager was closing), since start. */
    public long refused() {
        return refused.sum();
    }

    /** Messages the container took and wrote to the peer, since start. */
    public long written() {
        return written.sum();
    }

    /** Managers closed with 4003 because their queue was full, since start. */
    public long slowConsumerQueueFull() {
        return slowQueueFull.sum();
    }

    /** Managers closed with 4003 because a send took longer than the send timeout, since start. */
    public long slowConsumerSendTimeout() {
        return slowSendTimeout.sum();
    }
}
