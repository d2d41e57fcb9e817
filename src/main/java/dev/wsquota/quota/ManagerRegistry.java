package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.Collections;
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

    private static final Logger LOG = WeakLogger.of(ManagerRegistry.class);

    private final ConcurrentHashMap<String, UserManagers> users = new ConcurrentHashMap<>();
    /** Every live manager by its serial (a Long key is smaller than the id text). */
    private final ConcurrentHashMap<Long, Manager> managers = new ConcurrentHashMap<>();
    private final QuotaLimits limits;
    private final LongSupplier clock;
    /** Where slots are counted across nodes; on a single node the sets here are the count. */
    private final ClusterSlots slots;
    private final AtomicLong sequence = new AtomicLong();
    private final String idPrefix;

    private final RegistryCounters counters = new RegistryCounters();
    /** Managers something saw misbehave (a ping that could not be queued or failed); the scheduled cleanup looks at them first. */
    private final Set<Manager> suspects = ConcurrentHashMap.newKeySet();

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
        this.slots = new ClusterSlots(ledger);
        // Ids stay unique across redeployments in one JVM, which keeps log lines unambiguous.
        this.idPrefix = Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
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
            reclaimStale(managers.values());
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
                        counters.rejected(Admission.Outcome.USER_QUOTA);
                    }
                    return Admission.rejected(Admission.Outcome.USER_QUOTA, user, mine.size(), limit);
                }
                Manager manager = new Manager(idPrefix, sequence.incrementAndGet(), connection, clock.getAsLong(), mine);
                if (evicted != null) {
                    slots.release(evicted); // the new manager takes over the evicted one's slot
                }
                SlotLedger.Claim claim = slots.claim(manager, limit);
                if (claim == null || !claim.granted()) {
                    retireIfEmptyLocked(mine);
                    if (claim == null) {
                        counters.rejected(Admission.Outcome.UNAVAILABLE);
                        return Admission.unavailable(user, slots.unavailableReason());
                    }
                    if (countUserQuota) {
                        counters.rejected(Admission.Outcome.USER_QUOTA);
                    }
                    return Admission.rejected(Admission.Outcome.USER_QUOTA, user, claim.count(), limit);
                }
                managers.put(manager.serial(), manager);
                int total = managers.size();
                int maxTotal = limits.maxTotal();
                if (total > maxTotal) {
                    managers.remove(manager.serial(), manager);
                    slots.release(manager);
                    retireIfEmptyLocked(mine);
                    counters.rejected(Admission.Outcome.TOTAL_QUOTA);
                    return Admission.rejected(Admission.Outcome.TOTAL_QUOTA, user, total - 1, maxTotal);
                }
                mine.add(manager);
                counters.admitted();
                int active = claim.count() == ClusterSlots.LOCAL ? mine.size() : claim.count();
                return evicted == null ? Admission.admitted(manager, active, limit)
                        : Admission.replacing(manager, evicted, active, limit);
            }
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
        slots.release(manager);
        return true;
    }

    private boolean removeLocked(Manager manager, ReleaseCause cause) {
        if (!manager.owner.remove(manager)) {
            return false;
        }
        managers.remove(manager.serial(), manager);
        suspects.remove(manager);
        counters.released(cause);
        return true;
    }

    /** Marks a live manager for the next scheduled cleanup pass to look at. */
    public void suspect(Manager manager) {
        if (isLive(manager)) {
            suspects.add(manager);
        }
    }

    /** Takes the suspects marked so far (each is returned once). */
    List<Manager> takeSuspects() {
        List<Manager> taken = new ArrayList<>();
        for (var it = suspects.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
    }

    /** Releases by id; empty if no live manager has that id. */
    public Optional<Manager> release(String managerId, ReleaseCause cause) {
        Manager manager = byId(managerId);
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
            counters.closeFailed();
            LOG.log(Level.FINE, "close frame to " + manager + " failed after its release (" + cause + ")", e);
        }
        return true;
    }

    /** True while the manager holds its slot. */
    public boolean isLive(Manager manager) {
        return managers.get(manager.serial()) == manager;
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

    private int reclaimStaleLocked(UserManagers mine) {
        return reclaimStale(mine.snapshot());
    }

    private int reclaimStale(Iterable<Manager> candidates) {
        int reclaimed = 0;
        for (Manager manager : candidates) {
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
        return Optional.ofNullable(byId(managerId));
    }

    /** The live manager with this id text, or null (also for text that is not an id of this registry). */
    private Manager byId(String managerId) {
        if (managerId == null || !managerId.startsWith(idPrefix) || managerId.length() == idPrefix.length()) {
            return null;
        }
        try {
            return managers.get(Long.parseLong(managerId, idPrefix.length(), managerId.length(), 36));
        } catch (NumberFormatException e) {
            return null; // not an id this registry gave out
        }
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

    /** Every live manager as the index holds it now, without a copy: for one pass over all of them. */
    Iterable<Manager> liveManagers() {
        return managers.values();
    }

    public int activeManagers() {
        return managers.size();
    }

    public int activeUsers() {
        return users.size();
    }

    /** Since-start totals of admissions, rejections and releases. */
    public RegistryCounters counters() {
        return counters;
    }
}
