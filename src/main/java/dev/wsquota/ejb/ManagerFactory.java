package dev.wsquota.ejb;

import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.CleanupReport;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.Connection;
import dev.wsquota.quota.ContainerView;
import dev.wsquota.quota.DriftCheck;
import dev.wsquota.quota.LimitHitCoalescer;
import dev.wsquota.quota.Liveness;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.OpenSession;
import dev.wsquota.quota.OperatorEvents;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.Settings;
import dev.wsquota.quota.UserIds;
import dev.wsquota.quota.UserView;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.AccessTimeout;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's door to the manager registry: admits and releases managers, runs the cleanup and
 * liveness timers and watches that they exist.
 *
 * <p>Why the locks are where they are: the class is {@code @Lock(READ)} because the registry already
 * makes each user's admission atomic under that user's own monitor; a global WRITE lock would queue
 * every user's handshake behind every other user's. {@code @Lock(WRITE)} is kept for changes to the
 * factory's own settings and timers, so two operators' writes never interleave and a timer
 * reschedule never overlaps a cleanup pass (the timer callbacks hold a READ lock).
 */
@Singleton
@Startup
@DependsOn("ClusterNode") // in cluster mode, nobody is admitted before this node's member has joined
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.READ)
@TransactionManagement(TransactionManagementType.BEAN) // no transactional resources: a JTA transaction per call would be pure cost
@AccessTimeout(value = 10, unit = TimeUnit.SECONDS) // a stuck holder makes a call fail loudly, never queue forever
public class ManagerFactory {

    /** The info of the one cleanup timer. */
    public static final String CLEANUP_TIMER = "wsquota-cleanup";
    /** The info of the one liveness timer (pings and pong timeouts). */
    public static final String LIVENESS_TIMER = "wsquota-liveness";
    /** How often the watchdog checks that both timers exist. */
    static final long WATCHDOG_PERIOD_MILLIS = 2_000;
    /** How much later than the sweep's idle close the container's own idle timeout fires. */
    static final long CONTAINER_IDLE_MARGIN_MILLIS = 10_000;
    /** How long a registry/container difference must last before the drift check corrects it. */
    static final long DRIFT_GRACE_MILLIS = 5_000;
    /** Cleanup passes in a row with a drift correction after which drift counts as recurring. */
    static final int RECURRING_DRIFT_RUNS = 3;

    private static final Logger LOG = Logger.getLogger(ManagerFactory.class.getName());

    @Resource
    private TimerService timerService;

    @EJB
    private ClusterNode cluster;

    @Resource
    private SessionContext context;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private ManagerRegistry registry;
    private Liveness liveness;
    private ProbingAdmission admission;
    private final CleanupStatistics cleanupStatistics = new CleanupStatistics();
    private final DriftCheck driftCheck = new DriftCheck(DRIFT_GRACE_MILLIS);
    private final AtomicLong driftCorrections = new AtomicLong();
    private final AtomicLong timerRecreations = new AtomicLong();
    private volatile int consecutiveDriftRuns;
    private volatile LimitHitCoalescer limitHits;
    private volatile int cleanupIntervalSeconds;
    private volatile String timerError = "";
    private volatile long startedMillis;
    private volatile ContainerView containerView;
    private volatile OperatorEvents events = OperatorEvents.NONE;
    private ScheduledFuture<?> watchdog;
    private ManagerFactoryAdmin admin;

    @PostConstruct
    void start() {
        Settings settings = Settings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        QuotaLimits limits = cluster.sharedQuotaOverrides()
                .map(shared -> new QuotaLimits(settings.maxManagersPerUser(), settings.maxManagersTotal(), shared))
                .orElseGet(() -> new QuotaLimits(settings.maxManagersPerUser(), settings.maxManagersTotal()));
        registry = new ManagerRegistry(limits, System::currentTimeMillis, cluster.ledger().orElse(null));
        liveness = new Liveness(settings.pingIntervalSeconds() * 1000L, settings.pongTimeoutSeconds() * 1000L,
                settings.idleTimeoutSeconds() * 1000L);
        admission = new ProbingAdmission(registry, scheduler, settings.onLimit(), settings.probeAfterSeconds() * 1000L,
                settings.probeTimeoutMillis());
        limitHits = new LimitHitCoalescer(1_000, registry::now);
        cleanupIntervalSeconds = settings.cleanupIntervalSeconds();
        startedMillis = registry.now();
        try {
            scheduleTimer(CLEANUP_TIMER, cleanupIntervalSeconds * 1000L);
            scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
            timerError = "";
        } catch (RuntimeException e) {
            timerError = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timers could NOT be created: leaked slots are only reclaimed at admission "
                    + "and by forceCleanup, and dead peers are not pinged, until the watchdog manages to create them. "
                    + "TimerActive=false in JMX.", e);
        }
        ManagerFactory self = context.getBusinessObject(ManagerFactory.class);
        admin = ManagerFactoryAdmin.register(self);
        events = admin;
        // The watchdog runs on the managed scheduler, not on an EJB timer: it must survive the loss of the timers.
        watchdog = scheduler.scheduleWithFixedDelay(() -> runWatchdog(self), WATCHDOG_PERIOD_MILLIS,
                WATCHDOG_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        cluster.keepLeases(registry::managerIdsByUser, () -> {
            int closed = registry.releaseAll(ReleaseCause.FENCED, CloseCodes.GOING_AWAY, "lost contact with the cluster");
            LOG.warning(() -> "wsquota closed this node's " + closed + " connections (1001): it lost contact with "
                    + "the cluster and admits nobody until it renews its leases");
        });
        LOG.info(() -> "wsquota started: " + settings + ", timers active=" + isTimerActive());
    }

    @PreDestroy
    void stop() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        events = OperatorEvents.NONE;
        if (admin != null) {
            admin.unregister();
        }
        int released = registry.releaseAll(ReleaseCause.SHUTDOWN, CloseCodes.GOING_AWAY, "server shutting down");
        LOG.info(() -> "wsquota stopped: released " + released + " managers");
    }

    // ---- admission and release -------------------------------------------------------------

    /**
     * Closes every connection with 1001 "server shutting down" and waits up to {@code maxWaitMillis} for the
     * close frames to go out; returns how many were closed. Called when the web module stops: WildFly closes the
     * WebSocket sessions itself (1001, no reason) before this bean's {@code @PreDestroy} runs.
     */
    public int closeAllForShutdown(long maxWaitMillis) {
        List<Connection> connections = registry.allManagers().stream().map(Manager::connection).toList();
        int released = registry.releaseAll(ReleaseCause.SHUTDOWN, CloseCodes.GOING_AWAY, "server shutting down");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        try {
            while (connections.stream().anyMatch(Connection::isOpen) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long stillOpen = connections.stream().filter(Connection::isOpen).count();
        if (stillOpen > 0) {
            LOG.warning(() -> stillOpen + " of " + connections.size() + " connections were still open " + maxWaitMillis
                    + " ms after their close at shutdown; the container closes them");
        }
        return released;
    }

    /** Asks for a slot for this user's new connection at once, without probing (in-process callers). */
    public Admission admit(String user, Connection connection) {
        return reported(registry.admit(user, connection));
    }

    /**
     * Asks for a slot for a new connection; at the quota the user's silent managers are probed first.
     * {@code answer} runs exactly once, on this thread or, after a probe, on the managed scheduler.
     */
    public void requestAdmission(String user, Connection connection, Consumer<Admission> answer) {
        if (connection instanceof ContainerView view) {
            containerView = view;
        }
        admission.admit(user, connection, decided -> answer.accept(reported(decided)));
    }

    private Admission reported(Admission decided) {
        if (decided.isAdmitted()) {
            // The container's own idle timeout (no longer "never") is a backstop that fires only if the
            // liveness sweep did not close the connection first: Liberty's own idle close sends 1006.
            long idleMillis = liveness.idleTimeoutMillis();
            decided.manager().connection().idleTimeout(idleMillis == 0 ? 0 : idleMillis + CONTAINER_IDLE_MARGIN_MILLIS);
        } else if (decided.outcome() != Admission.Outcome.UNAVAILABLE) {
            long suppressed = limitHits.hit(decided.user());
            if (suppressed >= 0) {
                events.limitHit(decided.user(), decided.active(), decided.limit(), decided.rejectReason(), suppressed);
            }
        }
        return decided;
    }

    /** Gives a manager's slot back; idempotent. */
    public boolean release(Manager manager, ReleaseCause cause) {
        return registry.release(manager, cause);
    }

    /** Delivers a server event to every live manager of one user; returns how many got it. */
    public int deliver(String user, String text) {
        ManagerRegistry.Delivery delivery = registry.deliver(user, text);
        if (delivery.failed() > 0) {
            LOG.warning(() -> "event to " + LogSafe.user(user) + " could not be sent to " + delivery.failed()
                    + " of its managers");
        }
        return delivery.sent();
    }

    // ---- timers, cleanup, drift, watchdog -------------------------------------------------

    @Timeout
    void onTimer(Timer timer) {
        if (LIVENESS_TIMER.equals(timer.getInfo())) {
            runLivenessSweep();
        } else {
            runCleanup(null);
        }
    }

    private void runLivenessSweep() {
        try {
            Liveness.SweepReport report = liveness.sweep(registry);
            for (CleanupReport.CleanupFailure failure : report.errors()) {
                LOG.log(Level.WARNING, "could not ping or close manager " + failure.managerId() + " of "
                        + LogSafe.user(failure.user()) + "; its slot was released (cause ERROR)", failure.error());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "liveness sweep failed; the timer keeps running", e);
        }
    }

    /** Runs a cleanup pass now over everyone; returns how many slots it gave back. */
    public int forceCleanup() {
        return runCleanup(null).reclaimed();
    }

    /** Runs a cleanup pass now over one user's managers; returns how many slots it gave back. */
    public int forceCleanupUser(String user) {
        UserIds.check(user);
        return runCleanup(user).reclaimed();
    }

    private CleanupReport runCleanup(String onlyUser) {
        long started = registry.now();
        try {
            CleanupReport report = onlyUser == null
                    ? registry.cleanup(liveness.idleTimeoutMillis())
                    : registry.cleanup(liveness.idleTimeoutMillis(), registry.managersOf(onlyUser));
            int driftFailures = onlyUser == null ? reconcileWithContainer() : 0;
            if (driftFailures > 0) {
                report = new CleanupReport(report.stale(), report.idle(), report.failures() + driftFailures,
                        report.errors(), report.durationNanos());
            }
            cleanupStatistics.record(started, report);
            for (CleanupReport.CleanupFailure failure : report.errors()) {
                LOG.log(Level.WARNING, "cleanup could not clean manager " + failure.managerId() + " of "
                        + LogSafe.user(failure.user()) + "; it keeps its slot until the next pass", failure.error());
            }
            if (report.failures() > 0) {
                if (report.failures() > report.errors().size() + driftFailures) {
                    LOG.warning((report.failures() - report.errors().size() - driftFailures) + " more cleanup failures in this pass");
                }
                events.cleanupFailed(report.failures(), report.errors().isEmpty() ? "drift check could not examine "
                        + driftFailures + " sessions" : String.valueOf(report.errors().get(0).error()));
            }
            return report;
        } catch (RuntimeException e) {
            cleanupStatistics.recordAborted(started);
            LOG.log(Level.SEVERE, "cleanup pass failed; the timer keeps running", e);
            events.cleanupFailed(1, String.valueOf(e));
            return new CleanupReport(0, 0, 1, List.of(), 0);
        }
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
            events.driftCorrected(correction);
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

    private void runWatchdog(ManagerFactory self) {
        try {
            if (!self.isTimerActive()) { // a READ look first: the WRITE lock is taken only to repair
                self.ensureTimers();
            }
        } catch (RuntimeException e) {
            // Logged, never thrown: an exception would stop scheduleWithFixedDelay for good.
            LOG.log(Level.SEVERE, "wsquota watchdog could not check the timers; it tries again in "
                    + WATCHDOG_PERIOD_MILLIS + " ms", e);
        }
    }

    /** Re-creates a missing cleanup or liveness timer, and says so; called by the watchdog. */
    @Lock(LockType.WRITE)
    public void ensureTimers() {
        List<Object> infos = timerService.getTimers().stream().<Object>map(Timer::getInfo).toList();
        recreateIfMissing(infos, CLEANUP_TIMER, cleanupIntervalSeconds * 1000L);
        recreateIfMissing(infos, LIVENESS_TIMER, liveness.sweepPeriodMillis());
    }

    private void recreateIfMissing(List<Object> infos, String timer, long periodMillis) {
        if (infos.contains(timer)) {
            return;
        }
        try {
            scheduleTimer(timer, periodMillis);
            timerError = "";
            timerRecreations.incrementAndGet();
            LOG.warning(() -> "wsquota timer " + timer + " was missing and has been re-created (every " + periodMillis + " ms)");
            events.timerRecreated(timer, "missing; re-created with a period of " + periodMillis + " ms");
        } catch (RuntimeException e) {
            timerError = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timer " + timer + " is missing and could NOT be re-created", e);
        }
    }

    /** Creates the interval timer with this info, then cancels any older one, so there is never none. */
    private void scheduleTimer(String info, long millis) {
        // Not persistent: Liberty creates no timer at all for a persistent one without a database.
        Timer created = timerService.createIntervalTimer(millis, millis, new TimerConfig(info, false));
        for (Timer timer : timerService.getTimers()) {
            if (info.equals(timer.getInfo()) && !timer.equals(created)) {
                timer.cancel();
            }
        }
    }

    private Optional<Timer> timer(String info) {
        return timerService.getTimers().stream().filter(timer -> info.equals(timer.getInfo())).findFirst();
    }

    /** True while both the cleanup and the liveness timer exist in the container. */
    public boolean isTimerActive() {
        return timer(CLEANUP_TIMER).isPresent() && timer(LIVENESS_TIMER).isPresent();
    }

    /** Why a timer could not be created, or empty. */
    public String getTimerError() {
        return timerError;
    }

    /** Timers the watchdog found missing and re-created, since start. */
    public long getTimerRecreations() {
        return timerRecreations.get();
    }

    /** When the cleanup timer fires next; null while it is missing. */
    public Date getNextCleanupTime() {
        return timer(CLEANUP_TIMER).map(Timer::getNextTimeout).orElse(null);
    }

    /** True when no cleanup pass started within twice the interval (counted from start before the first pass). */
    public boolean isCleanupLate() {
        long last = cleanupStatistics.snapshot().lastRunMillis();
        long reference = last == 0 ? startedMillis : last;
        return registry.now() - reference > 2L * cleanupIntervalSeconds * 1000L;
    }

    /** Differences between the registry and the container fixed by the drift check, since start. */
    public long getDriftCorrections() {
        return driftCorrections.get();
    }

    /** True when each of the last few cleanup passes had to correct drift: something keeps breaking the books. */
    public boolean isDriftRecurring() {
        return consecutiveDriftRuns >= RECURRING_DRIFT_RUNS;
    }

    public CleanupStatistics.Snapshot getCleanupStatistics() {
        return cleanupStatistics.snapshot();
    }

    // ---- settings --------------------------------------------------------------------------

    public int getCleanupIntervalSeconds() {
        return cleanupIntervalSeconds;
    }

    /** Reschedules the cleanup timer at once; the old timer goes only after the new one exists. */
    @Lock(LockType.WRITE)
    public void setCleanupIntervalSeconds(int seconds) {
        Settings.checkInterval("CleanupIntervalSeconds", seconds);
        scheduleTimer(CLEANUP_TIMER, seconds * 1000L);
        cleanupIntervalSeconds = seconds;
    }

    public int getIdleTimeoutSeconds() {
        return (int) (liveness.idleTimeoutMillis() / 1000);
    }

    /** Applies to the sweep at once; the container's backstop changes for connections admitted from now on. */
    @Lock(LockType.WRITE)
    public void setIdleTimeoutSeconds(int seconds) {
        liveness.setIdleTimeoutMillis(Settings.checkIntervalOrZero("IdleTimeoutSeconds", seconds) * 1000L);
        scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
    }

    public int getPingIntervalSeconds() {
        return (int) (liveness.pingIntervalMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPingIntervalSeconds(int seconds) {
        Settings.checkIntervalOrZero("PingIntervalSeconds", seconds);
        liveness.setPingIntervalMillis(seconds * 1000L);
        scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
    }

    public int getPongTimeoutSeconds() {
        return (int) (liveness.pongTimeoutMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPongTimeoutSeconds(int seconds) {
        Settings.checkInterval("PongTimeoutSeconds", seconds);
        liveness.setPongTimeoutMillis(seconds * 1000L);
        scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
    }

    public int getProbeAfterSeconds() {
        return (int) (admission.probeAfterMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setProbeAfterSeconds(int seconds) {
        admission.setProbeAfterMillis(Settings.checkIntervalOrZero("ProbeAfterSeconds", seconds) * 1000L);
    }

    public int getProbeTimeoutMillis() {
        return (int) admission.probeTimeoutMillis();
    }

    @Lock(LockType.WRITE)
    public void setProbeTimeoutMillis(int millis) {
        admission.setProbeTimeoutMillis(Settings.checkProbeTimeout("ProbeTimeoutMillis", millis));
    }

    public OnLimitPolicy getOnLimitPolicy() {
        return admission.policy();
    }

    @Lock(LockType.WRITE)
    public void setOnLimitPolicy(OnLimitPolicy policy) {
        admission.setPolicy(java.util.Objects.requireNonNull(policy, "policy"));
    }

    public int getMaxManagersPerUser() {
        return registry.limits().maxPerUser();
    }

    @Lock(LockType.WRITE)
    public void setMaxManagersPerUser(int value) {
        registry.limits().setMaxPerUser(value);
    }

    public int getMaxManagersTotal() {
        return registry.limits().maxTotal();
    }

    @Lock(LockType.WRITE)
    public void setMaxManagersTotal(int value) {
        registry.limits().setMaxTotal(value);
    }

    /** Sets a user's own quota; returns the previous override or null. Closes nobody. */
    @Lock(LockType.WRITE)
    public Integer setUserQuota(String user, int quota) {
        return registry.limits().setOverride(user, quota);
    }

    /** Removes a user's own quota; returns the removed value or null. */
    @Lock(LockType.WRITE)
    public Integer clearUserQuota(String user) {
        return registry.limits().clearOverride(user);
    }

    public Map<String, Integer> getUserQuotaOverrides() {
        return registry.limits().overrides();
    }

    // ---- administration --------------------------------------------------------------------

    /** Closes (1008) and releases every manager above its user's quota, newest first; returns how many. */
    public int enforceQuotas() {
        int closed = 0;
        for (String user : registry.users()) {
            for (Manager excess : registry.excessOf(user)) {
                if (registry.releaseAndCloseQuietly(excess, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                        "over quota: closed by an operator")) {
                    closed++;
                }
            }
        }
        return closed;
    }

    /** Closes (1008) and releases one manager; returns its view, or empty if no live manager has that id. */
    public Optional<ManagerView> closeManager(String managerId) {
        Optional<Manager> found = registry.find(managerId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Manager manager = found.get();
        ManagerView view = registry.managerViews(manager.user()).stream()
                .filter(row -> row.managerId().equals(managerId)).findFirst().orElse(null);
        boolean closed = registry.releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                "closed by an operator");
        return closed ? Optional.ofNullable(view) : Optional.empty();
    }

    /** Closes (1008) and releases every manager of the user; returns how many. */
    public int disconnectUser(String user) {
        UserIds.check(user);
        int closed = 0;
        for (Manager manager : registry.managersOf(user)) {
            if (registry.releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, CloseCodes.POLICY_VIOLATION,
                    "disconnected by an operator")) {
                closed++;
            }
        }
        return closed;
    }

    // ---- views ------------------------------------------------------------------------------

    /** The container's caller of this call (e.g. the REST connector's authenticated user), or empty if unauthenticated. */
    public Optional<String> callerName() {
        java.security.Principal caller = context.getCallerPrincipal();
        String name = caller == null ? null : caller.getName();
        return name == null || name.isBlank() || "UNAUTHENTICATED".equals(name) ? Optional.empty() : Optional.of(name);
    }

    public int getActiveManagers() {
        return registry.activeManagers();
    }

    public int getActiveUsers() {
        return registry.activeUsers();
    }

    public int countOf(String user) {
        return registry.countOf(user);
    }

    public Map<String, Integer> getUserManagerCounts() {
        return registry.userCounts();
    }

    public List<UserView> getUsers() {
        return registry.userViews();
    }

    public List<ManagerView> listManagers(String user) {
        UserIds.check(user);
        return registry.managerViews(user);
    }

    public long getLimitHits() {
        return registry.userQuotaRejections() + registry.totalQuotaRejections();
    }

    /** Refused connections since start by reason: USER_QUOTA, TOTAL_QUOTA. */
    public Map<String, Long> getRejectionsByReason() {
        Map<String, Long> byReason = new LinkedHashMap<>();
        byReason.put(Admission.Outcome.USER_QUOTA.name(), registry.userQuotaRejections());
        byReason.put(Admission.Outcome.TOTAL_QUOTA.name(), registry.totalQuotaRejections());
        return byReason;
    }

    public long getAdmissions() {
        return registry.admissions();
    }

    public Map<ReleaseCause, Long> getReleasesByCause() {
        return registry.releasesByCause();
    }

    public long getProbes() {
        return admission.probes();
    }

    public long getProbeReclaimed() {
        return admission.probeReclaimed();
    }
}
