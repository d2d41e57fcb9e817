package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every close of a live manager on wsquota's own initiative: the sweep's, cleanup's, a probe's, the drain's, an
 * operator's (the excess, one manager or one user) and the shutdown's. Its slot is always released first and only
 * then is its peer told why, so the recorded cause is the one given here (not the close callback that follows) and
 * a peer that fails the close frame never keeps a slot. One per registry ({@link ManagerRegistry#closes()}).
 */
public final class ServerCloses {

    /** The close reason every client hears when the application stops. */
    public static final String SHUTTING_DOWN = "server shutting down";

    private static final Logger LOG = WeakLogger.of(ServerCloses.class);

    private final ManagerRegistry registry;

    ServerCloses(ManagerRegistry registry) {
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

    /** Closes (1008) and releases every manager above its user's quota, newest first; returns how many. */
    public int enforceQuotas() {
        int closed = 0;
        for (String user : registry.users()) {
            for (Manager excess : excessOf(user)) {
                if (releaseAndCloseQuietly(excess, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                        "over quota: closed by an operator")) {
                    closed++;
                }
            }
        }
        return closed;
    }

    /** The managers by which the user exceeds their quota, newest first; empty if within it. */
    public List<Manager> excessOf(String user) {
        List<Manager> mine = registry.managersOf(user);
        int excess = mine.size() - registry.limits().limitFor(user);
        if (excess <= 0) {
            return Collections.emptyList();
        }
        List<Manager> newestFirst = new ArrayList<>(mine.subList(mine.size() - excess, mine.size()));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Closes (1008) and releases one manager; returns its view, or empty if no live manager has that id. */
    public Optional<ManagerView> closeManager(String managerId) {
        if (managerId == null || managerId.isBlank() || managerId.length() > UserIds.MAX_LENGTH) {
            throw new IllegalArgumentException("managerId must be a manager id as listManagers shows it, was '"
                    + LogSafe.user(managerId) + "'");
        }
        Optional<Manager> found = registry.find(managerId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Manager manager = found.get();
        ManagerView view = ManagerView.of(manager, registry.now());
        boolean closed = releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                "closed by an operator");
        return closed ? Optional.of(view) : Optional.empty();
    }

    /** Closes (4001) and releases one manager so a newer connection of its user, on another node, takes its slot. */
    public boolean evict(String managerId) {
        Optional<Manager> found = registry.find(managerId);
        return found.isPresent() && releaseAndCloseQuietly(found.get(), ReleaseCause.EVICTED,
                CloseCodes.REPLACED, "replaced by a newer connection");
    }

    /** Closes (1008) and releases every manager of the user; returns how many. */
    public int disconnectUser(String user) {
        UserIds.check(user);
        int closed = 0;
        for (Manager manager : registry.managersOf(user)) {
            if (releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                    "disconnected by an operator")) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * Releases every manager (SHUTDOWN) and closes its connection with 1001 "server shutting down" on this thread,
     * then waits up to {@code maxWaitMillis} for the peers to answer, so the close frames go out before the
     * container closes the sessions itself (Liberty with 1008 "Secure HTTP Session Closed" or 1006, no reason).
     */
    public Shutdown closeAllForShutdown(long maxWaitMillis) {
        List<Connection> connections = new ArrayList<>();
        for (Manager manager : registry.allManagers()) {
            if (registry.release(manager, ReleaseCause.SHUTDOWN)) {
                connections.add(manager.connection());
                try {
                    manager.connection().closeBeforeReturning(CloseCodes.GOING_AWAY, SHUTTING_DOWN);
                } catch (Exception e) {
                    // The slot is back; the peer we could not tell is gone or going anyway. Counted, and in the
                    // summary.
                    registry.counters().closeFailed();
                }
            }
        }
        int released = connections.size();
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000;
        long open = connections.stream().filter(Connection::isOpen).count();
        while (open > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break; // the stop is being cut short: report what is still open
            }
            open = connections.stream().filter(Connection::isOpen).count();
        }
        return new Shutdown(released, (int) open);
    }

    /** How a shutdown went: slots released, and connections still open when the wait ended. */
    public record Shutdown(int released, int stillOpen) {

        /** The one log line of a stop, never one per connection. */
        public String summary(long maxWaitMillis) {
            return "wsquota stopped: released " + released + " managers, closing each connection with 1001 "
                    + SHUTTING_DOWN
                    + (stillOpen == 0 ? "" : "; " + stillOpen + " peers had not answered the close after "
                            + maxWaitMillis
                    + " ms (the container ends those)");
        }
    }

    /** Releases every manager with the given cause and closes its connection; returns how many. */
    public int releaseAll(ReleaseCause cause, int code, String reason) {
        int released = 0;
        for (Manager manager : registry.allManagers()) {
            try {
                if (releaseAndClose(manager, cause, code, reason)) {
                    released++;
                }
            } catch (Exception e) {
                // The slot is already back; the peer we could not tell is gone or going anyway.
                registry.counters().closeFailed();
                released++;
            }
        }
        return released;
    }
}
