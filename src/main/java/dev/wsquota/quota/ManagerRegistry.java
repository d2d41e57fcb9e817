package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live registry of managers: the only source of every count wsquota reports or enforces.
 *
 * <p>A user's count is the size of that user's set of managers and the total is the size of the
 * id index, so a count cannot drift from the managers that exist: there is no integer to forget
 * to decrement. Admission for one user is atomic under that user's monitor, so two users never
 * wait for each other. No connection I/O happens while a monitor is held.
 *
 * <p>The total cap is checked after the new manager is in the index: an admission that sees more
 * than the cap takes itself out again. Racing admissions can therefore both step back at the very
 * edge of the cap (a rejection that a retry fixes) but can never both stay (no over-admission).
 */
public final class ManagerRegistry {

    private static final Logger LOG = Logger.getLogger(ManagerRegistry.class.getName());

    private final ConcurrentHashMap<String, UserManagers> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Manager> managers = new ConcurrentHashMap<>();
    private final QuotaLimits limits;
    private final LongSupplier clock;
    /** Where slots are counted across nodes; null on a single node, where the sets here are the count. */
    private final SlotLedger ledger;
    private final AtomicLong sequence = new AtomicLong();
    private final String idPrefix;

    private final LongAdder admissions = new LongAdder();
    private final LongAdder userQuotaRejections = new LongAdder();
    private final LongAdder totalQuotaRejections = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder closeFailures = new LongAdder();
    private final Map<ReleaseCause, LongAdder> releases = new EnumMap<>(ReleaseCause.class);

    /**
     * @param limits the quotas, read at every admission
     * @param clock  wall-clock milliseconds, for activity and idleness
     */
    public ManagerRegistry(QuotaLimits limits, LongSupplier clock) {
        this(limits, clock, null);
    }

    /**
     * @param ledger the cluster's slots, claimed after this node's own checks and before a manager is kept;
     *               null on a single node
     */
    public ManagerRegistry(QuotaLimits limits, LongSupplier clock, SlotLedger ledger) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledger = ledger;
        // Ids stay unique across redeployments in one JVM, which keeps log lines unambiguous.
        this.idPrefix = Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
        for (ReleaseCause cause : ReleaseCause.values()) {
            releases.put(cause, new LongAdder());
        }
    }

    public QuotaLimits limits() {
        return limits;
    }

    public long now() {
        return clock.getAsLong();
    }

    /**
     * Gives the user a manager for this connection if the user and the server are under quota.
     * At the user's quota, the user's managers whose connection is already closed are reclaimed
     * first, so a leaked slot never causes a rejection.
     */
    public Admission admit(String user, Connection connection) {
        return admit(user, connection, OnLimitPolicy.REJECT);
    }

    /**
     * As {@link #admit(String, Connection)}, and under {@link OnLimitPolicy#EVICT_OLDEST} a user at
     * quota has their oldest manager released (cause EVICTED) in the same atomic step; the caller
     * closes the evicted manager's connection. The total cap is never relaxed by eviction.
     */
    public Admission admit(String user, Connection connection, OnLimitPolicy policy) {
        return admit(user, connection, policy, true);
    }

    /**
     * A first try that the caller will follow with a real {@link #admit(String, Connection, OnLimitPolicy)}
     * when the user is at quota (the probing admission): a refusal at the user's quota is not counted
     * here, so one refused connection counts as one rejection, not two.
     */
    public Admission tryAdmit(String user, Connection connection) {
        return admit(user, connection, OnLimitPolicy.REJECT, false);
    }

    private Admission admit(String user, Connection connection, OnLimitPolicy policy, boolean countUserQuota) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(connection, "connection");
        if (managers.size() >= limits.maxTotal()) {
            reclaimAllStale();
        }
        for (;;) {
            UserManagers mine = users.computeIfAbsent(user, UserManagers::new);
            synchronized (mine) {
                if (mine.retired) {
                    continue; // its last manager left between lookup and lock; take the fresh one
                }
                int limit = limits.limitFor(user);
                if (mine.size() >= limit) {
                    reclaimStaleLocked(mine);
                    if (mine.retired) {
                        continue; // every one of them was stale; start over with a fresh set
                    }
                }
                Manager evicted = null;
                if (mine.size() >= limit && policy == OnLimitPolicy.EVICT_OLDEST) {
                    evicted = mine.oldest();
                    // Not release(): the set must not retire even if this was its only manager.
                    removeLocked(evicted, ReleaseCause.EVICTED);
                }
                if (mine.size() >= limit && evicted == null) {
                    if (countUserQuota) {
                        userQuotaRejections.increment();
                    }
                    return Admission.rejected(Admission.Outcome.USER_QUOTA, user, mine.size(), limit);
                }
                Manager manager = new Manager(idPrefix + Long.toString(sequence.incrementAndGet(), 36),
                        user, connection, clock.getAsLong(), mine);
                int clusterCount = -1;
                if (ledger != null) {
                    if (evicted != null) {
                        ledger.release(user, evicted.id()); // the new manager takes over the evicted one's slot
                    }
                    SlotLedger.Claim claim = claimInCluster(user, manager.id(), limit);
                    if (claim == null || !claim.granted()) {
                        retireIfEmptyLocked(mine);
                        if (claim == null) {
                            return Admission.unavailable(user, ledger.unavailable()
                                    .orElse("quota service unavailable: the cluster did not answer"));
                        }
                        if (countUserQuota) {
                            userQuotaRejections.increment();
                        }
                        return Admission.rejected(Admission.Outcome.USER_QUOTA, user, claim.count(), limit);
                    }
                    clusterCount = claim.count();
                }
                managers.put(manager.id(), manager);
                int total = managers.size();
                int maxTotal = limits.maxTotal();
                if (total > maxTotal) {
                    managers.remove(manager.id(), manager);
                    if (ledger != null) {
                        ledger.release(user, manager.id());
                    }
                    retireIfEmptyLocked(mine);
                    totalQuotaRejections.increment();
                    return Admission.rejected(Admission.Outcome.TOTAL_QUOTA, user, total - 1, maxTotal);
                }
                mine.add(manager);
                admissions.increment();
                int active = clusterCount >= 0 ? clusterCount : mine.size();
                return evicted == null ? Admission.admitted(manager, active, limit)
                        : Admission.replacing(manager, evicted, active, limit);
            }
        }
    }

    /** The cluster's answer, or null when it cannot decide now (unavailable, or the call failed: logged). */
    private SlotLedger.Claim claimInCluster(String user, String managerId, int limit) {
        if (ledger.unavailable().isPresent()) {
            return null;
        }
        try {
            return ledger.claim(user, managerId, limit);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the cluster could not decide the admission of " + LogSafe.user(user)
                    + "; refused with 1013", e);
            return null;
        }
    }

    /** The ids of the managers this node holds, by user: what it renews in the cluster. */
    public Map<String, Set<String>> managerIdsByUser() {
        Map<String, Set<String>> ids = new HashMap<>();
        for (Manager manager : managers.values()) {
            ids.computeIfAbsent(manager.user(), user -> new HashSet<>()).add(manager.id());
        }
        return ids;
    }

    /**
     * Gives the manager's slot back. Idempotent: a second release of the same manager, or a
     * release of one that was never admitted, does nothing and returns false.
     */
    public boolean release(Manager manager, ReleaseCause cause) {
        if (manager == null) {
            return false;
        }
        UserManagers owner = manager.owner;
        synchronized (owner) {
            if (!removeLocked(manager, cause)) {
                return false;
            }
            retireIfEmptyLocked(owner);
        }
        if (ledger != null) {
            ledger.release(manager.user(), manager.id());
        }
        return true;
    }

    private boolean removeLocked(Manager manager, ReleaseCause cause) {
        if (!manager.owner.remove(manager)) {
            return false;
        }
        managers.remove(manager.id(), manager);
        releases.get(cause).increment();
        return true;
    }

    /** Releases by id; empty if no live manager has that id. */
    public Optional<Manager> release(String managerId, ReleaseCause cause) {
        Manager manager = managerId == null ? null : managers.get(managerId);
        return manager != null && release(manager, cause) ? Optional.of(manager) : Optional.empty();
    }

    /**
     * Releases the manager first, then closes its connection, so the recorded cause is this one
     * and not the close callback that follows. Returns false if it had already been released.
     */
    public boolean releaseAndClose(Manager manager, ReleaseCause cause, int code, String reason) throws java.io.IOException {
        if (!release(manager, cause)) {
            return false;
        }
        manager.connection().close(code, CloseCodes.fitReason(reason));
        return true;
    }

    /** As {@link #releaseAndClose}, but a failed close frame is logged, not thrown: the slot is back either way. */
    public boolean releaseAndCloseQuietly(Manager manager, ReleaseCause cause, int code, String reason) {
        if (!release(manager, cause)) {
            return false;
        }
        try {
            manager.connection().close(code, CloseCodes.fitReason(reason));
        } catch (Exception e) {
            closeFailures.increment();
            LOG.log(Level.FINE, "close frame to " + manager + " failed after its release (" + cause + ")", e);
        }
        return true;
    }

    /** True while the manager holds its slot. */
    public boolean isLive(Manager manager) {
        return managers.get(manager.id()) == manager;
    }

    /**
     * One pass over every manager: reclaims those whose connection is closed, and closes and
     * reclaims those idle longer than {@code idleTimeoutMillis} (0 = never). A failure on one
     * manager is recorded and the pass goes on.
     */
    public CleanupReport cleanup(long idleTimeoutMillis) {
        return cleanup(idleTimeoutMillis, managers.values());
    }

    /** As {@link #cleanup(long)}, over the given managers only (e.g. one user's). */
    public CleanupReport cleanup(long idleTimeoutMillis, Iterable<Manager> candidates) {
        long started = System.nanoTime();
        long now = clock.getAsLong();
        int stale = 0;
        int idle = 0;
        int failures = 0;
        List<CleanupReport.CleanupFailure> errors = new ArrayList<>();
        for (Manager manager : candidates) {
            try {
                if (!manager.connection().isOpen()) {
                    if (release(manager, ReleaseCause.STALE)) {
                        stale++;
                    }
                } else if (closeIfIdle(manager, now, idleTimeoutMillis)) {
                    idle++;
                }
            } catch (Exception e) {
                failures++;
                if (errors.size() < CleanupReport.MAX_ERRORS_KEPT) {
                    errors.add(new CleanupReport.CleanupFailure(manager.id(), manager.user(), e));
                }
            }
        }
        return new CleanupReport(stale, idle, failures, List.copyOf(errors), System.nanoTime() - started);
    }

    /**
     * Closes (1001) and releases the manager if nothing arrived from its peer for longer than
     * {@code idleTimeoutMillis} (0 = never); returns whether it did.
     */
    public boolean closeIfIdle(Manager manager, long nowMillis, long idleTimeoutMillis) throws java.io.IOException {
        return idleTimeoutMillis > 0 && manager.idleMillis(nowMillis) > idleTimeoutMillis
                && releaseAndClose(manager, ReleaseCause.IDLE, CloseCodes.GOING_AWAY,
                "idle for more than " + (idleTimeoutMillis / 1000) + " s");
    }

    /** Reclaims one user's managers whose connection is already closed; returns how many. */
    public int reclaimStale(String user) {
        UserManagers mine = users.get(user);
        if (mine == null) {
            return 0;
        }
        synchronized (mine) {
            return reclaimStaleLocked(mine);
        }
    }

    private int reclaimAllStale() {
        int reclaimed = 0;
        for (Manager manager : managers.values()) {
            if (!manager.connection().isOpen() && release(manager, ReleaseCause.STALE)) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    private int reclaimStaleLocked(UserManagers mine) {
        int reclaimed = 0;
        for (Manager manager : mine.snapshot()) {
            if (!manager.connection().isOpen() && release(manager, ReleaseCause.STALE)) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    private void retireIfEmptyLocked(UserManagers mine) {
        if (mine.isEmpty() && !mine.retired) {
            mine.retired = true;
            users.remove(mine.user, mine);
        }
    }

    /** Sends a text event to every live manager of the user; a failed send is counted, not thrown. */
    public Delivery deliver(String user, String text) {
        int sent = 0;
        int failed = 0;
        for (Manager manager : managersOf(user)) {
            try {
                manager.connection().send(text);
                manager.messageOut();
                sent++;
            } catch (Exception e) {
                failed++;
                sendFailures.increment();
            }
        }
        return new Delivery(sent, failed);
    }

    /** How a delivery to one user's managers went. */
    public record Delivery(int sent, int failed) {
    }

    /** Releases every manager with the given cause and closes its connection; returns how many. */
    public int releaseAll(ReleaseCause cause, int code, String reason) {
        int released = 0;
        for (Manager manager : managers.values()) {
            try {
                if (releaseAndClose(manager, cause, code, reason)) {
                    released++;
                }
            } catch (Exception e) {
                // The slot is already back; the peer we could not tell is gone or going anyway.
                closeFailures.increment();
                released++;
            }
        }
        return released;
    }

    /** The managers by which the user exceeds their quota, newest first; empty if within it. */
    public List<Manager> excessOf(String user) {
        List<Manager> mine = managersOf(user);
        int excess = mine.size() - limits.limitFor(user);
        if (excess <= 0) {
            return Collections.emptyList();
        }
        List<Manager> newestFirst = new ArrayList<>(mine.subList(mine.size() - excess, mine.size()));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** One row per user holding at least one manager, sorted by user. */
    public List<UserView> userViews() {
        long now = clock.getAsLong();
        List<UserView> rows = new ArrayList<>();
        for (String user : users()) {
            List<Manager> mine = managersOf(user);
            if (mine.isEmpty()) {
                continue; // left between the two reads
            }
            long oldest = mine.stream().mapToLong(Manager::openedAtMillis).min().orElse(now);
            long lastActivity = mine.stream().mapToLong(Manager::lastActivityMillis).max().orElse(now);
            rows.add(new UserView(user, mine.size(), limits.limitFor(user), Math.max(0, now - oldest) / 1000,
                    Math.max(0, now - lastActivity) / 1000));
        }
        return rows;
    }

    /** One row per live manager of the user, oldest first. */
    public List<ManagerView> managerViews(String user) {
        long now = clock.getAsLong();
        return managersOf(user).stream().map(manager -> ManagerView.of(manager, now)).toList();
    }

    /** Users holding at least one manager, sorted. */
    public List<String> users() {
        return new ArrayList<>(userCounts().keySet());
    }

    /** Live managers of one user, oldest first. */
    public List<Manager> managersOf(String user) {
        UserManagers mine = user == null ? null : users.get(user);
        if (mine == null) {
            return Collections.emptyList();
        }
        synchronized (mine) {
            return mine.snapshot();
        }
    }

    public Optional<Manager> find(String managerId) {
        return Optional.ofNullable(managerId == null ? null : managers.get(managerId));
    }

    /** Live managers of one user. */
    public int countOf(String user) {
        UserManagers mine = users.get(user);
        if (mine == null) {
            return 0;
        }
        synchronized (mine) {
            return mine.size();
        }
    }

    /** Live managers of every user that holds at least one, sorted by user. */
    public Map<String, Integer> userCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (UserManagers mine : users.values()) {
            synchronized (mine) {
                if (!mine.isEmpty()) {
                    counts.put(mine.user, mine.size());
                }
            }
        }
        return counts;
    }

    /** Every live manager, in no particular order. */
    public List<Manager> allManagers() {
        return new ArrayList<>(managers.values());
    }

    public int activeManagers() {
        return managers.size();
    }

    public int activeUsers() {
        return users.size();
    }

    /** Connections admitted since start. */
    public long admissions() {
        return admissions.sum();
    }

    /** Connections refused because their user was at quota, since start. */
    public long userQuotaRejections() {
        return userQuotaRejections.sum();
    }

    /** Connections refused because the server was at its total cap, since start. */
    public long totalQuotaRejections() {
        return totalQuotaRejections.sum();
    }

    /** Server events that could not be handed to a connection, since start. */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /** Connections whose close frame could not be sent when the server released them in bulk, since start. */
    public long closeFailures() {
        return closeFailures.sum();
    }

    /** Slots given back since start, by cause. */
    public Map<ReleaseCause, Long> releasesByCause() {
        Map<ReleaseCause, Long> copy = new EnumMap<>(ReleaseCause.class);
        releases.forEach((cause, count) -> copy.put(cause, count.sum()));
        return copy;
    }
}
