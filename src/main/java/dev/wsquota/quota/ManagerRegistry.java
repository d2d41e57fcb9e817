package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * Where slots are counted across nodes; on a single node ({@link SlotLedger#LOCAL}) the sets here are the count.
     */
    private final SlotLedger ledger;
    private final ManagerIds ids = new ManagerIds();

    private final RegistryCounters counters = new RegistryCounters();
    private final ServerCloses closes = new ServerCloses(this);
    private final Suspects suspects = new Suspects();
    /** While set, every admission is refused (DRAINING): the node is emptied before a stop (see {@link Drain}). */
    private volatile boolean draining;
    private volatile ReleaseListener releaseListener = ReleaseListener.NONE;

    /**
     * @param limits the quotas, read at every admission
     * @param clock  wall-clock milliseconds, for activity and idleness
     */
    public ManagerRegistry(QuotaLimits limits, LongSupplier clock) {
        this(limits, clock, SlotLedger.LOCAL);
    }

    /**
     * @param ledger the cluster's slots, claimed after this node's own checks and before a manager is kept;
     *               {@link SlotLedger#LOCAL} on a single node
     */
    public ManagerRegistry(QuotaLimits limits, LongSupplier clock, SlotLedger ledger) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
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
        Admission admission = decide(user, connection, policy, true);
        if (admission.evicted() != null) {
            told(admission.evicted(), ReleaseCause.EVICTED);
        }
        return admission;
    }

    /** Who is told about every release from now on ({@link ReleaseListener#NONE} for nobody). */
    public void setReleaseListener(ReleaseListener listener) {
        releaseListener = Objects.requireNonNull(listener, "listener");
    }

    private void told(Manager manager, ReleaseCause cause) {
        try {
            releaseListener.released(manager, cause);
        } catch (RuntimeException e) {
            // The slot is back either way; the listener's own state is its concern, so it is only logged.
            LOG.log(Level.WARNING, "the release listener failed for " + manager + " (" + cause + ")", e);
        }
    }

    /**
     * A first try that the caller will follow with a real {@link #admit(String, Connection, OnLimitPolicy)}
     * when the user is at quota (the probing admission): a refusal at the user's quota is not counted
     * here, so one refused connection counts as one rejection, not two.
     */
    public Admission tryAdmit(String user, Connection connection) {
        return decide(user, connection, OnLimitPolicy.REJECT, false);
    }

    private Admission decide(String user, Connection connection, OnLimitPolicy policy, boolean countUserQuota) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(connection, "connection");
        if (draining) {
            counters.rejected(Admission.Outcome.DRAINING);
            return Admission.draining(user);
        }
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
                    reclaimStale(mine.snapshot());
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
                Manager manager = new Manager(ids.prefix(), ids.nextSerial(), connection, clock.getAsLong(), mine);
                if (evicted != null) {
                    ledger.release(user, evicted.id()); // the new manager takes over the evicted one's slot
                }
                SlotLedger.Claim claim = claim(manager, limit);
                if (claim == null || !claim.granted()) {
                    retireIfEmptyLocked(mine);
                    if (claim == null) {
                        counters.rejected(Admission.Outcome.UNAVAILABLE);
                        return Admission.unavailable(user, ledger.unavailable()
                                .orElse("quota service unavailable: the cluster did not answer"));
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
                    ledger.release(user, manager.id());
                    retireIfEmptyLocked(mine);
                    counters.rejected(Admission.Outcome.TOTAL_QUOTA);
                    return Admission.rejected(Admission.Outcome.TOTAL_QUOTA, user, total - 1, maxTotal);
                }
                mine.add(manager);
                counters.admitted();
                int active = claim.count() == SlotLedger.Claim.OWN_COUNT ? mine.size() : claim.count();
                return evicted == null ? Admission.admitted(manager, active, limit)
                        : Admission.replacing(manager, evicted, active, limit);
            }
        }
    }

    /** The ledger's answer, or null when it cannot decide now (unavailable, or the call failed: logged). */
    private SlotLedger.Claim claim(Manager manager, int limit) {
        if (ledger.unavailable().isPresent()) {
            return null;
        }
        try {
            return ledger.claim(manager.user(), manager.id(), limit);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the cluster could not decide the admission of " + LogSafe.user(manager.user())
                    + "; refused with 1013", e);
            return null;
        }
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
        ledger.release(manager.user(), manager.id());
        told(manager, cause);
        return true;
    }

    private boolean removeLocked(Manager manager, ReleaseCause cause) {
        if (!manager.owner.remove(manager)) {
            return false;
        }
        managers.remove(manager.serial(), manager);
        suspects.forget(manager);
        manager.releasedFor(cause);
        counters.released(cause);
        return true;
    }

    /** True while this node refuses every new manager because it is draining. */
    public boolean isDraining() {
        return draining;
    }

    /** Starts or stops refusing every new manager (DRAINING); the {@link Drain} is the only caller. */
    void setDraining(boolean refuse) {
        draining = refuse;
    }

    /** Marks a live manager for the next scheduled cleanup pass to look at. */
    public void suspect(Manager manager) {
        if (isLive(manager)) {
            suspects.mark(manager);
        }
    }

    /** Takes the suspects marked so far (each is returned once). */
    List<Manager> takeSuspects() {
        return suspects.take();
    }

    /** True while the manager holds its slot. */
    public boolean isLive(Manager manager) {
        return managers.get(manager.serial()) == manager;
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
        long serial = ids.serialOf(managerId);
        return serial < 0 ? null : managers.get(serial);
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
    /** Every close of a live manager on the server's own initiative goes through it: release first, then the peer. */
    public ServerCloses closes() {
        return closes;
    }

    public RegistryCounters counters() {
        return counters;
    }
}
