package dev.wsquota.quota;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One ping of a user's silent managers and the judgement of who answered since: a manager answered when
 * any frame arrived from its peer after the ping, which is what a probe at the quota waits for.
 */
final class PingRound {

    /** Marks a manager the round could not ping; it counts as answered (the sweep judges it later). */
    private static final int NOT_JUDGED = Integer.MIN_VALUE;

    private static final Logger LOG = WeakLogger.of(PingRound.class);

    private final List<Manager> pinged;
    private final int[] inboundBefore;

    private PingRound(List<Manager> pinged, int[] inboundBefore) {
        this.pinged = pinged;
        this.inboundBefore = inboundBefore;
    }

    /** Pings every manager now and remembers how many frames each had received before. */
    static PingRound ping(List<Manager> silent) {
        int[] inboundBefore = silent.stream().mapToInt(Manager::inboundFrames).toArray();
        for (int i = 0; i < silent.size(); i++) {
            Manager manager = silent.get(i);
            try {
                if (!manager.connection().ping(() -> { })) {
                    inboundBefore[i] = NOT_JUDGED; // could not be pinged now: this round does not judge it, the sweep will
                }
            } catch (Exception e) {
                // It cannot even take a ping: it will not answer, and the round's end reclaims it.
                LOG.log(Level.FINE, "probe ping failed for " + manager, e);
            }
        }
        return new PingRound(silent, inboundBefore);
    }

    private boolean answered(int index) {
        return inboundBefore[index] == NOT_JUDGED || pinged.get(index).inboundFrames() != inboundBefore[index];
    }

    /** True when every pinged manager has answered or has given its slot back. */
    boolean settled(ManagerRegistry registry) {
        for (int i = 0; i < pinged.size(); i++) {
            if (!answered(i) && registry.isLive(pinged.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Closes (4002) and releases the pinged managers that did not answer; returns how many. */
    int reclaimUnanswered(ManagerCloser closer, long timeoutMillis) {
        int reclaimed = 0;
        for (int i = 0; i < pinged.size(); i++) {
            if (!answered(i) && closer.releaseAndCloseQuietly(pinged.get(i), ReleaseCause.PONG_TIMEOUT,
                    CloseCodes.PONG_TIMEOUT, "no pong to the probe within " + timeoutMillis + " ms")) {
                reclaimed++;
            }
        }
        return reclaimed;
    }
}
