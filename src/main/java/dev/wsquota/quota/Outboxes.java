package dev.wsquota.quota;

import dev.wsquota.util.WeakLogger;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every manager's outbound queue, under one pair of limits: offers a message to a manager, closes (4003) and
 * releases a manager whose peer does not read, and reads the bytes waiting from the live managers themselves.
 * The reusable send path to one manager: whatever sends to a peer on the application's behalf goes through here.
 */
public final class Outboxes {

    /** What became of a message offered to one manager. */
    public enum Result {
        /** The manager's queue took it. */
        DELIVERED,
        /** Its queue was full: the message is dropped and the peer closed as too slow. */
        REFUSED,
        /** The manager was closing or already gone: nothing was queued. */
        GONE
    }

    private static final Logger LOG = WeakLogger.of(Outboxes.class);

    private final ManagerRegistry registry;
    private final OutboxLimits limits;
    private final LongSupplier nanoClock;
    private final MessageCounters counters = new MessageCounters();

    public Outboxes(ManagerRegistry registry, OutboxLimits limits) {
        this(registry, limits, System::nanoTime);
    }

    Outboxes(ManagerRegistry registry, OutboxLimits limits, LongSupplier nanoClock) {
        this.registry = registry;
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    public OutboxLimits limits() {
        return limits;
    }

    public MessageCounters counters() {
        return counters;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /**
     * Queues the text for the manager and returns at once. A full queue refuses it and closes the peer (4003
     * {@code too slow: N bytes waiting}); a manager that no longer holds its slot gets nothing.
     *
     * @param bytes the text's length in UTF-8, computed once by a caller that sends one text to many managers
     */
    public Result offer(Manager manager, String text, int bytes) {
        if (!registry.isLive(manager)) {
            return Result.GONE;
        }
        Outbox.Offer offer = manager.outbox(this).offer(text, bytes);
        switch (offer) {
            case QUEUED -> {
                counters.countDelivered();
                return Result.DELIVERED;
            }
            case FULL -> {
                counters.countRefused();
                closeSlow(manager, true, "too slow: " + limits.maxQueuedBytes() + " bytes waiting");
                return Result.REFUSED;
            }
            default -> {
                return Result.GONE;
            }
        }
    }

    /** As {@link #offer(Manager, String, int)}, measuring the text itself. */
    public Result offer(Manager manager, String text) {
        return offer(manager, text, utf8Length(text));
    }

    /**
     * Closes (4003) the managers whose send in flight has taken longer than the send timeout; returns how many.
     * Run about once a second: a peer that stopped reading is found within the timeout plus that period.
     */
    public int closeOverdue() {
        long timeoutNanos = TimeUnit.SECONDS.toNanos(limits.sendTimeoutSeconds());
        long now = nanoClock.getAsLong();
        int closed = 0;
        for (Manager manager : registry.liveManagers()) {
            Outbox outbox = manager.outbox();
            if (outbox != null && outbox.overdue(now, timeoutNanos) && sendTimedOut(manager)) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * A write failed before its time limit: a connection that is closing or broken has its own close callback
     * release the slot; one that is still open cannot take messages any more, so it is closed (1011) and released
     * here rather than left holding a slot that receives nothing.
     */
    void sendFailed(Manager manager, Throwable failure) {
        counters.countSendFailed();
        if (!manager.connection().isOpen() || !registry.isLive(manager)) {
            LOG.log(Level.FINE, () -> "send to closing " + manager + " failed; its queue is dropped: " + failure);
            return;
        }
        LOG.log(Level.WARNING, "send to " + manager + " failed on an open connection; closing it (1011)", failure);
        if (registry.release(manager, ReleaseCause.ERROR)) {
            try {
                manager.connection().close(CloseCodes.INTERNAL_ERROR, "internal error");
            } catch (Exception e) {
                registry.counters().closeFailed();
                LOG.log(Level.FINE, "close of " + manager + " after a failed send failed", e);
            }
        }
    }

    /** Closes (4003) the manager whose send took longer than the send timeout; false if it was released already. */
    boolean sendTimedOut(Manager manager) {
        return closeSlow(manager, false, "too slow: a send took more than " + limits.sendTimeoutSeconds() + " s");
    }

    private boolean closeSlow(Manager manager, boolean queueFull, String reason) {
        if (!registry.release(manager, ReleaseCause.SLOW_CONSUMER)) {
            return false; // already released: its own close is under way
        }
        counters.slowConsumer(queueFull);
        Outbox outbox = manager.outbox();
        if (outbox != null) {
            outbox.close();
        }
        LOG.info(() -> "closing " + manager + " with " + CloseCodes.SLOW_CONSUMER + ": " + reason);
        try {
            manager.connection().abort(CloseCodes.SLOW_CONSUMER, CloseCodes.fitReason(reason));
        } catch (Exception e) {
            registry.counters().closeFailed();
            LOG.log(Level.FINE, "close of slow consumer " + manager + " failed after its release", e);
        }
        return true;
    }

    /** Bytes waiting in every live manager's queue now. */
    public long queuedBytes() {
        long sum = 0;
        for (Manager manager : registry.liveManagers()) {
            Outbox outbox = manager.outbox();
            if (outbox != null) {
                sum += outbox.queuedBytes();
            }
        }
        return sum;
    }

    /** The most bytes waiting in one live manager's queue now. */
    public long largestQueueBytes() {
        long max = 0;
        for (Manager manager : registry.liveManagers()) {
            Outbox outbox = manager.outbox();
            if (outbox != null) {
                max = Math.max(max, outbox.queuedBytes());
            }
        }
        return max;
    }

    /** Bytes waiting now per user, for users with any waiting; sorted by user. */
    public Map<String, Long> queuedBytesByUser() {
        Map<String, Long> byUser = new TreeMap<>();
        for (Manager manager : registry.liveManagers()) {
            Outbox outbox = manager.outbox();
            long bytes = outbox == null ? 0 : outbox.queuedBytes();
            if (bytes > 0) {
                byUser.merge(manager.user(), bytes, Long::sum);
            }
        }
        return byUser;
    }

    /** Bytes waiting in this manager's queue now. */
    public static long queuedBytes(Manager manager) {
        Outbox outbox = manager.outbox();
        return outbox == null ? 0 : outbox.queuedBytes();
    }

    /** The length of the text in UTF-8, without encoding it (a lone surrogate counts as the 3 bytes it would take). */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
