package dev.wsquota.quota;

import dev.wsquota.util.WeakLogger;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a manager on wsquota's own initiative: its slot is released first and only then is its peer told why,
 * so the recorded cause is the one given here (not the close callback that follows) and a peer that fails
 * the close frame never keeps a slot.
 */
final class ManagerCloser {

    private static final Logger LOG = WeakLogger.of(ManagerCloser.class);

    private final ManagerRegistry registry;

    ManagerCloser(ManagerRegistry registry) {
        this.registry = registry;
    }

    /** Releases the manager, then closes its connection; false (and no close) if it had already been released. */
    boolean releaseAndClose(Manager manager, ReleaseCause cause, int code, String reason) throws IOException {
        if (!registry.release(manager, cause)) {
            return false;
        }
        manager.connection().close(code, CloseCodes.fitReason(reason));
        return true;
    }

    /**
     * As {@link #releaseAndClose}, but a failed close frame is logged and counted, not thrown: the slot is back either
     * way.
     */
    boolean releaseAndCloseQuietly(Manager manager, ReleaseCause cause, int code, String reason) {
        if (!registry.release(manager, cause)) {
            return false;
        }
        try {
            manager.connection().close(code, CloseCodes.fitReason(reason));
        } catch (Exception e) {
            registry.counters().closeFailed();
            LOG.log(Level.FINE, "close frame to " + manager + " failed after its release (" + cause + ")", e);
        }
        return true;
    }

    /**
     * Closes (1001) and releases the manager if nothing arrived from its peer for longer than
     * {@code idleTimeoutMillis} (0 = never); returns whether it did.
     */
    boolean closeIfIdle(Manager manager, long nowMillis, long idleTimeoutMillis) throws IOException {
        return idleTimeoutMillis > 0 && manager.idleMillis(nowMillis) > idleTimeoutMillis
                && releaseAndClose(manager, ReleaseCause.IDLE, CloseCodes.GOING_AWAY,
                "idle for more than " + (idleTimeoutMillis / 1000) + " s");
    }
}
