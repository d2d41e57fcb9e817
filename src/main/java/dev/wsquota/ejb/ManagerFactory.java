package dev.wsquota.ejb;

import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.CleanupReport;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.Connection;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.Liveness;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's door to the manager registry: admits and releases managers and runs the cleanup timer.
 *
 * <p>Why the locks are where they are: the class is {@code @Lock(READ)} because the registry already
 * makes each user's admission atomic under that user's own monitor; a global WRITE lock would queue
 * every user's handshake behind every other user's. {@code @Lock(WRITE)} is kept for changes to the
 * factory's own settings and timer, so two operators' writes never interleave and a timer reschedule
 * never overlaps a cleanup pass (the timer callback holds a READ lock).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.READ)
public class ManagerFactory {

    /** The info of the one cleanup timer. */
    public static final String CLEANUP_TIMER = "wsquota-cleanup";
    /** The info of the one liveness timer (pings and pong timeouts). */
    public static final String LIVENESS_TIMER = "wsquota-liveness";

    private static final Logger LOG = Logger.getLogger(ManagerFactory.class.getName());

    @Resource
    private TimerService timerService;

    @Resource
    private SessionContext context;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private ManagerRegistry registry;
    private Liveness liveness;
    private ProbingAdmission admission;
    private final CleanupStatistics cleanupStatistics = new CleanupStatistics();
    private volatile int cleanupIntervalSeconds;
    private volatile int idleTimeoutSeconds;
    private volatile String timerError = "";
    private ManagerFactoryAdmin admin;

    @PostConstruct
    void start() {
        Settings settings = Settings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        registry = new ManagerRegistry(new QuotaLimits(settings.maxManagersPerUser(), settings.maxManagersTotal()),
                System::currentTimeMillis);
        liveness = new Liveness(settings.pingIntervalSeconds() * 1000L, settings.pongTimeoutSeconds() * 1000L);
        admission = new ProbingAdmission(registry, scheduler, settings.onLimit(), settings.probeAfterSeconds() * 1000L,
                settings.probeTimeoutMillis());
        idleTimeoutSeconds = settings.idleTimeoutSeconds();
        cleanupIntervalSeconds = settings.cleanupIntervalSeconds();
        try {
            scheduleTimer(CLEANUP_TIMER, cleanupIntervalSeconds * 1000L);
            scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
            timerError = "";
        } catch (RuntimeException e) {
            timerError = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timers could NOT be created: leaked slots will only be reclaimed "
                    + "at admission and by forceCleanup, and dead peers are not pinged. TimerActive=false in JMX.", e);
        }
        admin = ManagerFactoryAdmin.register(context.getBusinessObject(ManagerFactory.class));
        LOG.info(() -> "wsquota started: " + settings + ", cleanup timer active=" + isTimerActive());
    }

    @PreDestroy
    void stop() {
        if (admin != null) {
            admin.unregister();
        }
        int released = registry.releaseAll(ReleaseCause.SHUTDOWN, CloseCodes.GOING_AWAY, "server shutting down");
        LOG.info(() -> "wsquota stopped: released " + released + " managers");
    }

    /** Asks for a slot for this user's new connection at once, without probing (in-process callers). */
    public Admission admit(String user, Connection connection) {
        return registry.admit(user, connection);
    }

    /**
     * Asks for a slot for a new connection; at the quota the user's silent managers are probed first.
     * {@code answer} runs exactly once, on this thread or, after a probe, on the managed scheduler.
     */
    public void requestAdmission(String user, Connection connection, Consumer<Admission> answer) {
        admission.admit(user, connection, answer);
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

    @Timeout
    void onTimer(Timer timer) {
        if (LIVENESS_TIMER.equals(timer.getInfo())) {
            runLivenessSweep();
        } else {
            runCleanup();
        }
    }

    private void runLivenessSweep() {
        try {
            Liveness.SweepReport report = liveness.sweep(registry);
            for (CleanupReport.CleanupFailure failure : report.errors()) {
                LOG.log(Level.WARNING, "could not ping or close manager " + failure.managerId() + " of "
                        + LogSafe.user(failure.user()) + "; its slot was released (cause ERROR)", failure.error());
            }
            if (report.timedOut() > 0) {
                LOG.fine(() -> report.timedOut() + " managers closed: no pong within " + liveness.pongTimeoutMillis() + " ms");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "liveness sweep failed; the timer keeps running", e);
        }
    }

    /** Runs a cleanup pass now; returns how many slots it gave back. */
    public int forceCleanup() {
        return runCleanup().reclaimed();
    }

    private CleanupReport runCleanup() {
        long started = registry.now();
        try {
            CleanupReport report = registry.cleanup(idleTimeoutSeconds * 1000L);
            cleanupStatistics.record(started, report);
            for (CleanupReport.CleanupFailure failure : report.errors()) {
                LOG.log(Level.WARNING, "cleanup could not clean manager " + failure.managerId() + " of "
                        + LogSafe.user(failure.user()) + "; it keeps its slot until the next pass", failure.error());
            }
            if (report.failures() > report.errors().size()) {
                LOG.warning(() -> (report.failures() - report.errors().size()) + " more cleanup failures in this pass");
            }
            if (report.reclaimed() > 0) {
                LOG.fine(() -> "cleanup reclaimed " + report.stale() + " stale and " + report.idle() + " idle managers");
            }
            return report;
        } catch (RuntimeException e) {
            cleanupStatistics.recordAborted(started);
            LOG.log(Level.SEVERE, "cleanup pass failed; the timer keeps running", e);
            return new CleanupReport(0, 0, 1, java.util.List.of(), 0);
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

    /** True while both the cleanup and the liveness timer exist in the container. */
    public boolean isTimerActive() {
        java.util.Set<Object> infos = new java.util.HashSet<>();
        timerService.getTimers().forEach(timer -> infos.add(timer.getInfo()));
        return infos.contains(CLEANUP_TIMER) && infos.contains(LIVENESS_TIMER);
    }

    /** Why the cleanup timer could not be created, or empty. */
    public String getTimerError() {
        return timerError;
    }

    public int getCleanupIntervalSeconds() {
        return cleanupIntervalSeconds;
    }

    /** Reschedules the cleanup timer at once; the old timer goes only after the new one exists. */
    @Lock(LockType.WRITE)
    public void setCleanupIntervalSeconds(int seconds) {
        Settings.checkInterval("CleanupIntervalSeconds", seconds);
        int old = cleanupIntervalSeconds;
        scheduleTimer(CLEANUP_TIMER, seconds * 1000L);
        cleanupIntervalSeconds = seconds;
        audit("CleanupIntervalSeconds", old, seconds);
    }

    public int getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    @Lock(LockType.WRITE)
    public void setIdleTimeoutSeconds(int seconds) {
        Settings.checkIntervalOrZero("IdleTimeoutSeconds", seconds);
        int old = idleTimeoutSeconds;
        idleTimeoutSeconds = seconds;
        audit("IdleTimeoutSeconds", old, seconds);
    }

    public int getPingIntervalSeconds() {
        return (int) (liveness.pingIntervalMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPingIntervalSeconds(int seconds) {
        Settings.checkIntervalOrZero("PingIntervalSeconds", seconds);
        int old = getPingIntervalSeconds();
        liveness.setPingIntervalMillis(seconds * 1000L);
        scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
        audit("PingIntervalSeconds", old, seconds);
    }

    public int getPongTimeoutSeconds() {
        return (int) (liveness.pongTimeoutMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPongTimeoutSeconds(int seconds) {
        Settings.checkInterval("PongTimeoutSeconds", seconds);
        int old = getPongTimeoutSeconds();
        liveness.setPongTimeoutMillis(seconds * 1000L);
        scheduleTimer(LIVENESS_TIMER, liveness.sweepPeriodMillis());
        audit("PongTimeoutSeconds", old, seconds);
    }

    public int getProbeAfterSeconds() {
        return (int) (admission.probeAfterMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setProbeAfterSeconds(int seconds) {
        Settings.checkIntervalOrZero("ProbeAfterSeconds", seconds);
        int old = getProbeAfterSeconds();
        admission.setProbeAfterMillis(seconds * 1000L);
        audit("ProbeAfterSeconds", old, seconds);
    }

    public int getProbeTimeoutMillis() {
        return (int) admission.probeTimeoutMillis();
    }

    @Lock(LockType.WRITE)
    public void setProbeTimeoutMillis(int millis) {
        Settings.checkProbeTimeout("ProbeTimeoutMillis", millis);
        int old = getProbeTimeoutMillis();
        admission.setProbeTimeoutMillis(millis);
        audit("ProbeTimeoutMillis", old, millis);
    }

    public OnLimitPolicy getOnLimitPolicy() {
        return admission.policy();
    }

    @Lock(LockType.WRITE)
    public void setOnLimitPolicy(OnLimitPolicy policy) {
        OnLimitPolicy old = admission.policy();
        admission.setPolicy(java.util.Objects.requireNonNull(policy, "policy"));
        audit("OnLimitPolicy", old.key(), policy.key());
    }

    public long getProbes() {
        return admission.probes();
    }

    public long getProbeReclaimed() {
        return admission.probeReclaimed();
    }

    public int getMaxManagersPerUser() {
        return registry.limits().maxPerUser();
    }

    @Lock(LockType.WRITE)
    public void setMaxManagersPerUser(int value) {
        int old = registry.limits().maxPerUser();
        registry.limits().setMaxPerUser(value);
        audit("MaxManagersPerUser", old, value);
    }

    public int getMaxManagersTotal() {
        return registry.limits().maxTotal();
    }

    @Lock(LockType.WRITE)
    public void setMaxManagersTotal(int value) {
        int old = registry.limits().maxTotal();
        registry.limits().setMaxTotal(value);
        audit("MaxManagersTotal", old, value);
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

    public long getLimitHits() {
        return registry.userQuotaRejections() + registry.totalQuotaRejections();
    }

    public long getAdmissions() {
        return registry.admissions();
    }

    public Map<ReleaseCause, Long> getReleasesByCause() {
        return registry.releasesByCause();
    }

    public CleanupStatistics.Snapshot getCleanupStatistics() {
        return cleanupStatistics.snapshot();
    }

    private static void audit(String attribute, Object old, Object value) {
        if (java.util.Objects.equals(old, value)) {
            return;
        }
        LOG.info(() -> "wsquota admin: " + attribute + " changed from " + old + " to " + value);
    }
}
