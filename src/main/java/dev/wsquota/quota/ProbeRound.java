package dev.wsquota.quota;

import dev.wsquota.util.WeakLogger;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One probe of a user's silent managers: the pings, the judgement of who answered since, and the connections at
 * the quota that wait on it. A manager answered when any frame arrived from its peer after the ping. The timeout
 * counts from when each ping was written, not from when the round started: a ping that waited on a busy executor
 * must not cost a healthy peer its slot.
 *
 * <p>At most as many connections wait on a round as it pinged managers, because it can free at most that many
 * slots: more would only be refused later, and a refusal decided after {@code @OnOpen} returned holds an executor
 * thread in Liberty's close, where one decided at once costs nothing (docs/design.md).
 */
final class ProbeRound {

    /** Marks a manager the round could not ping; it counts as answered (the sweep judges it later). */
    private static final int NOT_JUDGED = Integer.MIN_VALUE;

    private static final Logger LOG = WeakLogger.of(ProbeRound.class);

    /** In {@link #writtenAt}: the ping failed, so the peer cannot answer it. */
    private static final long FAILED = -1;

    private final List<Manager> pinged;
    private final int[] inboundBefore;
    /** When each ping was written (the registry's clock); 0 while it has not been. */
    private final AtomicLongArray writtenAt;
    private final long deadline;
    private final AtomicInteger waiting = new AtomicInteger(1); // the connection that started it

    private ProbeRound(List<Manager> pinged, int[] inboundBefore, AtomicLongArray writtenAt, long deadline) {
        this.pinged = pinged;
        this.inboundBefore = inboundBefore;
        this.writtenAt = writtenAt;
        this.deadline = deadline;
    }

    /**
     * Pings every manager now and remembers how many frames each had received before, and when each ping went out;
     * the connections waiting on the round are judged from {@code deadline} on.
     */
    static ProbeRound ping(List<Manager> silent, LongSupplier clock, long deadline) {
        int[] inboundBefore = silent.stream().mapToInt(Manager::inboundFrames).toArray();
        AtomicLongArray writtenAt = new AtomicLongArray(silent.size());
        for (int i = 0; i < silent.size(); i++) {
            Manager manager = silent.get(i);
            int index = i;
            try {
                if (!manager.connection().ping(() -> writtenAt.set(index, Math.max(1, clock.getAsLong())))) {
                    // could not be pinged now: this round does not judge it, the sweep will
                    inboundBefore[i] = NOT_JUDGED;
                }
            } catch (Exception e) {
                // It cannot even take a ping: it will not answer, and the round's end reclaims it.
                writtenAt.set(i, FAILED);
                LOG.log(Level.FINE, "probe ping failed for " + manager, e);
            }
        }
        return new ProbeRound(silent, inboundBefore, writtenAt, deadline);
    }

    long deadline() {
        return deadline;
    }

    /** True if every slot this round can free already has a connection waiting for it. */
    boolean full() {
        return waiting.get() >= pinged.size();
    }

    /** Counts one more waiting connection; false (and not counted) if the round is full. */
    boolean join() {
        int slots = pinged.size();
        return waiting.getAndUpdate(now -> Math.min(now + 1, slots)) < slots;
    }

    /** Not answered, and its ping failed or went out at least {@code timeoutMillis} before {@code now}. */
    private boolean overdue(int index, long timeoutMillis, long now) {
        long written = writtenAt.get(index);
        return !answered(index) && (written == FAILED || written > 0 && now - written >= timeoutMillis);
    }

    private boolean answered(int index) {
        return inboundBefore[index] == NOT_JUDGED || pinged.get(index).inboundFrames() != inboundBefore[index];
    }

    /** True when every pinged manager has answered, has given its slot back, or is overdue (see reclaimUnanswered). */
    boolean judged(ManagerRegistry registry, long timeoutMillis, long now) {
        return everyOneDecided(registry, index -> overdue(index, timeoutMillis, now));
    }

    /** True when every pinged manager has answered or has given its slot back. */
    boolean settled(ManagerRegistry registry) {
        return everyOneDecided(registry, index -> false);
    }

    private boolean everyOneDecided(ManagerRegistry registry, IntPredicate givenUpOn) {
        for (int i = 0; i < pinged.size(); i++) {
            if (!answered(i) && registry.isLive(pinged.get(i)) && !givenUpOn.test(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Closes (4002) and releases the pinged managers that did not answer within {@code timeoutMillis} of their
     * ping being written; returns how many. One whose ping has not been written yet, or too recently, is left to
     * the sweep.
     */
    int reclaimUnanswered(ServerCloses closes, long timeoutMillis, long now) {
        int reclaimed = 0;
        for (int i = 0; i < pinged.size(); i++) {
            if (overdue(i, timeoutMillis, now)
                    && closes.releaseAndCloseQuietly(pinged.get(i), ReleaseCause.PONG_TIMEOUT,
                    CloseCodes.PONG_TIMEOUT, "no pong to the probe within " + timeoutMillis + " ms")) {
                reclaimed++;
            }
        }
        return reclaimed;
    }
}
