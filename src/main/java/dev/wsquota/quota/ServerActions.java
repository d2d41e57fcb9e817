package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What the server does to live managers from outside their own connection: an operator closing the
 * excess, one manager or one user (1008), a server event to a user, and the release of everyone at
 * shutdown. Every close gives the slot back first, so the recorded cause is this one.
 */
public final class ServerActions {

    /** The close reason every client hears when the application stops. */
    public static final String SHUTTING_DOWN = "server shutting down";

    private final ManagerRegistry registry;
    private final ManagerCloser closer;

    public ServerActions(ManagerRegistry registry) {
        this.registry = registry;
        this.closer = new ManagerCloser(registry);
    }

    /** Closes (1008) and releases every manager above its user's quota, newest first; returns how many. */
    public int enforceQuotas() {
        int closed = 0;
        for (String user : registry.users()) {
            for (Manager excess : excessOf(user)) {
                if (closer.releaseAndCloseQuietly(excess, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
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
        boolean closed = closer.releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                "closed by an operator");
        return closed ? Optional.of(view) : Optional.empty();
    }

    /** Closes (4001) and releases one manager so a newer connection of its user, on another node, takes its slot. */
    public boolean evict(String managerId) {
        Optional<Manager> found = registry.find(managerId);
        return found.isPresent() && closer.releaseAndCloseQuietly(found.get(), ReleaseCause.EVICTED,
                CloseCodes.REPLACED, "replaced by a newer connection");
    }

    /** Closes (1008) and releases every manager of the user; returns how many. */
    public int disconnectUser(String user) {
        UserIds.check(user);
        int closed = 0;
        for (Manager manager : registry.managersOf(user)) {
            if (closer.releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
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
                if (closer.releaseAndClose(manager, cause, code, reason)) {
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
