package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cleanup pass the container's timer (or an operator) runs: gives back the slots of closed and idle
 * connections, reconciles the registry with the container's own list of sessions, and keeps the record
 * an operator reads to know that cleanup is alive. Plain Java, so every rule here is unit-tested.
 */
public final class CleanupPass {

    /** How long a registry/container difference must last before the drift check corrects it. */
    static final long DRIFT_GRACE_MILLIS = 5_000;
    /**
     * Managers a scheduled pass looks at besides the suspects, taken in turn from the whole registry, so a
     * pass costs the same at 10,000 managers as at 1,000,000 and every manager is still looked at in time.
     */
    static final int SAMPLE_PER_PASS = 1_000;
    /**
     * Every how many scheduled passes the drift check (a walk over every manager and session) runs when there
     * are more managers than one sample; with fewer it runs every pass.
     */
    static final int DRIFT_EVERY_PASSES = 10;

    /** Cleanup passes in a row with a drift correction after which drift counts as recurring. */
    static final int RECURRING_DRIFT_RUNS = 3;

    private static final Logger LOG = WeakLogger.of(CleanupPass.class);

    private final ManagerRegistry registry;
    private final LongSupplier idleTimeoutMillis;
    private final Supplier<OperatorEvents> events;
    /** When this pass was set up with its timer: lateness is counted from here until the first pass. */
    private final long createdMillis;
    private final CleanupStatistics statistics = new CleanupStatistics();
    private final DriftCheck driftCheck = new DriftCheck(DRIFT_GRACE_MILLIS);
    private final AtomicLong driftCorrections = new AtomicLong();
    private volatile int consecutiveDriftRuns;
    private volatile ContainerView containerView;
    /** Where the next scheduled pass continues its sample; guarded by {@code this}. */
    private java.util.Iterator<Manager> cursor;
    private int scheduledPasses;

    /**
     * @param registry          the managers to clean
     * @param idleTimeoutMillis the idle timeout in force at each pass (0 = never)
     * @param events            where failures and corrections are reported (it may change at runtime)
     */
    public CleanupPass(ManagerRegistry registry, LongSupplier idleTimeoutMillis, Supplier<OperatorEvents> events) {
        this.registry = registry;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.events = events;
        this.createdMillis = registry.now();
    }

    /** As {@link #reclaim(ManagerRegistry, long, Iterable)} over every manager. */
    public static CleanupReport reclaim(ManagerRegistry registry, long idleTimeoutMillis) {
        return reclaim(registry, idleTimeoutMillis, registry.liveManagers());
    }

    /**
     * Reclaims the candidates whose connection is closed, and closes (1001) and reclaims those idle longer
     * than {@code idleTimeoutMillis} (0 = never). A failure on one manager is recorded and the pass goes on.
     */
    public static CleanupReport reclaim(ManagerRegistry registry, long idleTimeoutMillis,
            Iterable<Manager> candidates) {
        long started = System.nanoTime();
        long now = registry.now();
        ServerCloses closes = registry.closes();
        int stale = 0;
        int idle = 0;
        int failures = 0;
        List<CleanupReport.CleanupFailure> errors = new ArrayList<>();
        for (Manager manager : candidates) {
            try {
                if (!manager.connection().isOpen()) {
                    if (registry.release(manager, ReleaseCause.STALE)) {
                        stale++;
                    }
                } else if (closes.closeIfIdle(manager, now, idleTimeoutMillis)) {
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
     * The timer's pass: the suspects (managers the ping sweep could not ping) plus the next
     * {@link #SAMPLE_PER_PASS} managers in turn, so its cost follows the stale managers, not the total.
     * Closed sessions leave through their own callbacks, a silent leak is found by the ping sweep (its
     * pong times out), at the user's quota (admission reclaims closed ones first) or by this sample; the
     * drift check runs every pass up to {@link #SAMPLE_PER_PASS} managers and every {@link #DRIFT_EVERY_PASSES}
     * passes above. An operator's {@link #run} looks at everyone.
     */
    public synchronized CleanupReport runScheduled() {
        long started = registry.now();
        try {
            List<Manager> candidates = registry.takeSuspects();
            if (cursor == null || !cursor.hasNext()) {
                cursor = registry.liveManagers().iterator();
            }
            for (int i = 0; i < SAMPLE_PER_PASS && cursor.hasNext(); i++) {
                candidates.add(cursor.next());
            }
            CleanupReport report = reclaim(registry, idleTimeoutMillis.getAsLong(), candidates);
            if (report.stale() > 0) {
                // Leaks come in groups (one broken peer, one user's client): look at the user's others next time.
                for (Manager manager : candidates) {
                    if (!registry.isLive(manager)) {
                        registry.managersOf(manager.user()).forEach(registry::suspect);
                    }
                }
            }
            // Up to one sample's worth of managers the pass looks at everyone anyway, so the drift check runs every
            // pass (its grace period needs two looks a few seconds apart); above that, every few passes.
            boolean drift = registry.activeManagers() <= SAMPLE_PER_PASS || scheduledPasses % DRIFT_EVERY_PASSES == 0;
            scheduledPasses++;
            return finish(started, report, drift);
        } catch (RuntimeException e) {
            return aborted(started, e);
        }
    }

    /** Remembers a container session through which the drift check can ask the container what it has open. */
    public void seen(ContainerView view) {
        containerView = view;
    }

    /**
     * One pass over everyone ({@code onlyUser} null) or over one user's managers (no drift check then);
     * never throws: an aborted pass is recorded as one failure and reported.
     */
    public CleanupReport run(String onlyUser) {
        long started = registry.now();
        try {
            long idle = idleTimeoutMillis.getAsLong();
            CleanupReport report = onlyUser == null
                    ? reclaim(registry, idle)
                    : reclaim(registry, idle, registry.managersOf(onlyUser));
            return finish(started, report, onlyUser == null);
        } catch (RuntimeException e) {
            return aborted(started, e);
        }
    }

    /** Adds the drift check's failures (when it runs), records the pass and reports what failed. */
    private CleanupReport finish(long started, CleanupReport report, boolean driftCheck) {
        int driftFailures = driftCheck ? reconcileWithContainer() : 0;
        if (driftFailures > 0) {
            report = new CleanupReport(report.stale(), report.idle(), report.failures() + driftFailures,
                    report.errors(), report.durationNanos());
        }
        statistics.record(started, report);
        reportFailures(report, driftFailures);
        return report;
    }

    /** An aborted pass counts as one failure, logged and notified; the timer keeps running. */
    private CleanupReport aborted(long started, RuntimeException e) {
        statistics.recordAborted(started);
        LOG.log(Level.SEVERE, "cleanup pass failed; the timer keeps running", e);
        events.get().cleanupFailed(1, String.valueOf(e));
        return new CleanupReport(0, 0, 1, List.of(), 0);
    }

    private void reportFailures(CleanupReport report, int driftFailures) {
        for (CleanupReport.CleanupFailure failure : report.errors()) {
            LOG.log(Level.WARNING, "cleanup could not clean manager " + failure.managerId() + " of "
                    + LogSafe.user(failure.user()) + "; it keeps its slot until the next pass", failure.error());
        }
        if (report.failures() == 0) {
            return;
        }
        int unlogged = report.failures() - report.errors().size() - driftFailures;
        if (unlogged > 0) {
            LOG.warning(unlogged + " more cleanup failures in this pass");
        }
        events.get().cleanupFailed(report.failures(), report.errors().isEmpty()
                ? "drift check could not examine " + driftFailures + " sessions"
                : String.valueOf(report.errors().get(0).error()));
    }

    /** Runs the drift check; returns how many sessions or managers it could not examine (logged). */
    private int reconcileWithContainer() {
        Optional<List<OpenSession>> open = openSessions();
        if (open.isEmpty()) {
            return 0; // no container session seen yet: nothing the container could disagree about
        }
        DriftCheck.Result result = driftCheck.reconcile(registry, open.get());
        List<DriftCheck.Correction> corrections = result.corrections();
        consecutiveDriftRuns = corrections.isEmpty() ? 0 : consecutiveDriftRuns + 1;
        for (DriftCheck.Correction correction : corrections) {
            driftCorrections.incrementAndGet();
            LOG.warning(() -> "drift corrected for user " + LogSafe.user(correction.user()) + ", manager "
                    + correction.managerId() + ", session " + correction.sessionId() + ": " + correction.what());
            events.get().driftCorrected(correction);
        }
        if (!result.failures().isEmpty()) {
            LOG.log(Level.WARNING, "drift check could not examine " + result.failures().size()
                    + " sessions or managers; they are looked at again next pass", result.failures().get(0));
        }
        return result.failures().size();
    }

    /** The container's open sessions, asked through the last session seen or any live one. */
    private Optional<List<OpenSession>> openSessions() {
        ContainerView view = containerView;
        if (view != null) {
            try {
                return Optional.of(view.openSessions());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "last seen session cannot list open sessions; trying a live one", e);
            }
        }
        if (view == null) {
            return Optional.empty(); // no admission through the container yet (every one is seen): nothing to compare
        }
        for (Manager manager : registry.allManagers()) {
            if (manager.connection() instanceof ContainerView live && manager.connection().isOpen()) {
                try {
                    containerView = live;
                    return Optional.of(live.openSessions());
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "session of " + manager + " cannot list open sessions", e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * How cleanup stands, read in one go.
     *
     * @param statistics       the record of the passes
     * @param driftCorrections differences between the registry and the container fixed since start
     * @param driftRecurring   each of the last few passes had to correct drift: something keeps breaking the books
     * @param late             no pass started within twice the interval
     */
    public record Status(CleanupStatistics.Snapshot statistics, long driftCorrections, boolean driftRecurring,
            boolean late) {
    }

    /** How cleanup stands; before the first pass its lateness is counted from when this pass was set up. */
    public Status status(long intervalMillis) {
        return new Status(statistics(), driftCorrections(), isDriftRecurring(), isLate(createdMillis, intervalMillis));
    }

    /** True when no pass started within twice the interval, counted from {@code sinceMillis} before the first pass. */
    public boolean isLate(long sinceMillis, long intervalMillis) {
        long last = statistics.snapshot().lastRunMillis();
        long reference = last == 0 ? sinceMillis : last;
        return registry.now() - reference > 2L * intervalMillis;
    }

    public CleanupStatistics.Snapshot statistics() {
        return statistics.snapshot();
    }

    /** Differences between the registry and the container fixed by the drift check, since start. */
    public long driftCorrections() {
        return driftCorrections.get();
    }

    /** True when each of the last few passes had to correct drift: something keeps breaking the books. */
    public boolean isDriftRecurring() {
        return consecutiveDriftRuns >= RECURRING_DRIFT_RUNS;
    }
}
