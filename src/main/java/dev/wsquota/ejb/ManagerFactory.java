package dev.wsquota.ejb;

import dev.wsquota.cluster.ClusterMessages;
import dev.wsquota.cluster.OperatorActions;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.LimitHitReporter;
import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.Connection;
import dev.wsquota.inbound.ManagerOutbox;
import dev.wsquota.inbound.QueuedReplies;
import dev.wsquota.quota.LocalMessages;
import dev.wsquota.quota.ContainerView;
import dev.wsquota.quota.Drain;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.OperatorEvents;
import dev.wsquota.quota.OutboxLimits;
import dev.wsquota.quota.Outboxes;
import dev.wsquota.quota.PingSweep;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.QuotaReadings;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.ReleaseListener;
import dev.wsquota.quota.ServerCloses;
import dev.wsquota.quota.Settings;
import dev.wsquota.quota.SlotLedger;
import dev.wsquota.quota.UserIds;
import dev.wsquota.util.WeakLogger;
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
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's door to the manager registry: admits and releases managers, runs the cleanup timer,
 * and holds the settings and the operator's actions. A connection is admitted through {@link #requestAdmission}
 * and released through {@link #releaser()}, both ending in the registry, the one place where a slot is taken or
 * given back.
 *
 * <p>Why the locks are where they are: the class is {@code @Lock(READ)} because the registry already
 * makes each user's admission atomic under that user's own monitor; a global WRITE lock would queue
 * every user's handshake behind every other user's. {@code @Lock(WRITE)} is kept for changes to the
 * factory's own settings and timer, so two operators' writes never interleave and a timer reschedule
 * never overlaps a cleanup pass (the timer callback holds a READ lock).
 */
@Singleton
@Startup
@DependsOn("ClusterNode") // in cluster mode, nobody is admitted before this node's member has joined
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.READ)
// no transactional resources: a JTA transaction per call would be pure cost
@TransactionManagement(TransactionManagementType.BEAN)
@AccessTimeout(value = 10, unit = TimeUnit.SECONDS) // a stuck holder makes a call fail loudly, never queue forever
public class ManagerFactory {

    /** The info of the one cleanup timer. */
    public static final String CLEANUP_TIMER = "wsquota-cleanup";
    /** How long the stop waits for the close frames to go out before the container closes what is left. */
    static final long SHUTDOWN_CLOSE_WAIT_MILLIS = 2_000;
    /** How often sends in flight are checked against the send timeout. */
    static final long SLOW_SEND_CHECK_MILLIS = 1_000;

    private static final Logger LOG = WeakLogger.of(ManagerFactory.class);

    @Resource
    private TimerService timerService;

    @EJB
    private ClusterNode cluster;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private ManagerRegistry registry;
    private PingSweep pingSweep;
    private ProbingAdmission admission;
    private CleanupPass cleanup;
    private ServerCloses closes;
    private OperatorActions operatorActions;
    private QuotaReadings readings;
    private IntervalTimer cleanupTimer;
    private LimitHitReporter limitHits;
    private Drain drain;
    private Outboxes outboxes;
    private ClusterMessages messages;
    private ScheduledFuture<?> slowSendCheck;
    private volatile int cleanupIntervalSeconds;
    private volatile int drainSeconds;
    private volatile OperatorEvents events = OperatorEvents.NONE;

    @PostConstruct
    void start() {
        Settings settings = Settings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        QuotaLimits limits = cluster.sharedQuotaOverrides()
                .map(shared -> new QuotaLimits(settings.maxManagersPerUser(), settings.maxManagersTotal(), shared))
                .orElseGet(() -> new QuotaLimits(settings.maxManagersPerUser(), settings.maxManagersTotal()));
        registry = new ManagerRegistry(limits, System::currentTimeMillis, cluster.ledger().orElse(SlotLedger.LOCAL));
        pingSweep = new PingSweep(registry, settings.pingIntervalSeconds() * 1000L,
                settings.pongTimeoutSeconds() * 1000L,
                settings.idleTimeoutSeconds() * 1000L);
        admission = new ProbingAdmission(registry, scheduler, settings.onLimit(), settings.probeAfterSeconds() * 1000L,
                settings.probeTimeoutMillis());
        cleanup = new CleanupPass(registry, pingSweep::idleTimeoutMillis, () -> events);
        closes = registry.closes();
        limitHits = new LimitHitReporter(registry::now, () -> events);
        drain = new Drain(registry, scheduler, new SplittableRandom());
        drainSeconds = settings.drainSeconds();
        cleanupIntervalSeconds = settings.cleanupIntervalSeconds();
        cleanupTimer = new IntervalTimer(timerService, CLEANUP_TIMER);
        cleanupTimer.start(cleanupIntervalSeconds * 1000L,
                "leaked slots are only reclaimed at admission and by forceCleanup");
        readings = new QuotaReadings(registry, admission);
        outboxes = new Outboxes(registry,
                OutboxLimits.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class)));
        LocalMessages local = new LocalMessages(registry, outboxes);
        operatorActions = new OperatorActions(registry, closes, admission,
                cluster.cluster().map(HazelcastLedger::managers).orElse(null), local);
        messages = new ClusterMessages(local, cluster.cluster().map(HazelcastLedger::managers).orElse(null));
        slowSendCheck = scheduler.scheduleWithFixedDelay(this::closeSlowSends, SLOW_SEND_CHECK_MILLIS,
                SLOW_SEND_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        cluster.keepLeases(operatorActions::heldIdsByUser, operatorActions::fence);
        cluster.restoreQuotasAfterMerge(operatorActions::enforceQuotas);
        LOG.info(() -> "wsquota started: " + settings + ", " + outboxes.limits() + ", cleanup timer active="
                + cleanupTimer.exists());
    }

    @PreDestroy
    void stop() {
        events = OperatorEvents.NONE;
        drain.stop();
        slowSendCheck.cancel(false);
        operatorActions.stopServing();
        closeAllForShutdown(SHUTDOWN_CLOSE_WAIT_MILLIS);
    }

    /**
     * Releases every manager and closes its connection with 1001 "server shutting down", waiting up to
     * {@code maxWaitMillis} for the peers to answer; returns how many were released. One summary line, never
     * one per connection. Called by the {@code @PreDestroy} (Liberty stops this bean before the web module) and by
     * the web module's HandshakeGateFilter (WildFly closes the sessions itself, without the reason, before it).
     */
    public int closeAllForShutdown(long maxWaitMillis) {
        ServerCloses.Shutdown done = closes.closeAllForShutdown(maxWaitMillis);
        LOG.info(() -> done.summary(maxWaitMillis));
        return done.released();
    }

    /** Closes the peers whose send has been in flight longer than the send timeout; never lets the schedule die. */
    private void closeSlowSends() {
        try {
            outboxes.closeOverdue();
        } catch (RuntimeException e) {
            outboxes.counters().countCheckFailed();
            LOG.log(Level.WARNING, "the check for slow sends failed; it runs again in " + SLOW_SEND_CHECK_MILLIS
                    + " ms", e);
        }
    }

    /**
     * The application's messages to users, managers or everyone, on every node. Like {@link #readings()} it is
     * fetched through the container, and what it does needs no lock of this bean.
     */
    public ClusterMessages messages() {
        return messages;
    }

    public int getMaxQueuedBytes() {
        return outboxes.limits().maxQueuedBytes();
    }

    @Lock(LockType.WRITE)
    public void setMaxQueuedBytes(int bytes) {
        outboxes.limits().setMaxQueuedBytes(bytes);
    }

    public int getSendTimeoutSeconds() {
        return outboxes.limits().sendTimeoutSeconds();
    }

    @Lock(LockType.WRITE)
    public void setSendTimeoutSeconds(int seconds) {
        outboxes.limits().setSendTimeoutSeconds(seconds);
    }

    /** Where limit hits, cleanup failures and drift corrections are reported from now on. */
    public void setOperatorEvents(OperatorEvents events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** The liveness settings and sweep, for the bean that runs the sweep timer. */
    public PingSweep pingSweep() {
        return pingSweep;
    }

    /**
     * Asks for a slot for a new connection; at the quota the user's silent managers are probed first.
     * {@code answer} runs exactly once, on this thread or, after a probe, on the managed scheduler.
     */
    public void requestAdmission(String user, Connection connection, Consumer<Admission> answer) {
        if (connection instanceof ContainerView view) {
            cleanup.seen(view);
        }
        admission.admit(user, connection, decided -> answer.accept(limitHits.report(decided)));
    }

    /**
     * Gives a manager's slot back: the registry's own release, for the endpoint's close callbacks to call without
     * the container. It is thread-safe under each user's monitor, idempotent, and touches nothing a
     * {@code @Lock(WRITE)} method changes, so going through the EJB container (its Weld request scope, security
     * check and READ lock) bought nothing but cost. With it a connection makes one EJB call, its admission.
     * Fetched once per application, not per connection.
     */
    public BiPredicate<Manager, ReleaseCause> releaser() {
        ManagerRegistry own = registry;
        return own::release;
    }

    /**
     * Whether this node drains, read without the container on every handshake by the handshake gate (a volatile
     * read in the registry). Fetched once per application, like {@link #releaser()}.
     */
    public BooleanSupplier drainingFlag() {
        ManagerRegistry own = registry;
        return own::isDraining;
    }

    /**
     * Starts draining this node before a planned stop: readiness DOWN, every new connection refused with 1013
     * "server draining", and the managers closed with 1001 "server shutting down" spread over {@code seconds}
     * (1 to 3,600). A drain already running is re-planned over the new window.
     */
    public Drain.Status drain(int seconds) {
        return drain.start(Settings.checkDrainSeconds("seconds", seconds) * 1000L);
    }

    /** Ends a drain: new connections are admitted again, the closes not yet made are cancelled. */
    public boolean endDrain() {
        return drain.end();
    }

    /** True while this node drains: new connections are refused (1013 server draining). For the handshake gate. */
    public boolean isDraining() {
        return drain.isDraining();
    }

    public Drain.Status drainStatus() {
        return drain.status();
    }

    /** Completes once the drain's closes are all made and answered, or the drain ended. */
    public CompletableFuture<Drain.Status> drainFinished() {
        return drain.finished();
    }

    public int getDrainSeconds() {
        return drainSeconds;
    }

    @Lock(LockType.WRITE)
    public void setDrainSeconds(int seconds) {
        drainSeconds = Settings.checkDrainSeconds("DrainSeconds", seconds);
    }

    /**
     * Replies to client messages and error frames, through the managers' outbound queues (see {@link QueuedReplies}).
     */
    public ManagerOutbox replies() {
        return new QueuedReplies(outboxes);
    }

    /** Who is told about every slot given back from now on, with its cause ({@link ReleaseListener#NONE}: nobody). */
    public void setReleaseListener(ReleaseListener listener) {
        registry.setReleaseListener(listener);
    }

    @Timeout
    void onCleanupTimer() {
        cleanup.runScheduled();
    }

    /** Runs a cleanup pass now over everyone; returns how many slots it gave back. */
    public int forceCleanup() {
        return cleanup.run(null).reclaimed();
    }

    /** Runs a cleanup pass now over one user's managers; returns how many slots it gave back. */
    public int forceCleanupUser(String user) {
        return cleanup.run(UserIds.check(user)).reclaimed();
    }

    public TimerStatus cleanupTimerStatus() {
        return cleanupTimer.status();
    }

    /** Creates the cleanup timer again if it is missing; returns why it did, or empty. Called by the watchdog. */
    @Lock(LockType.WRITE)
    public Optional<String> ensureCleanupTimer() {
        return cleanupTimer.ensure(cleanupIntervalSeconds * 1000L);
    }

    /** How cleanup stands: its record, drift, and whether it is late (counted from start before the first pass). */
    public CleanupPass.Status cleanupStatus() {
        return cleanup.status(cleanupIntervalSeconds * 1000L);
    }

    public int getCleanupIntervalSeconds() {
        return cleanupIntervalSeconds;
    }

    /** Reschedules the cleanup timer at once; the old timer goes only after the new one exists. */
    @Lock(LockType.WRITE)
    public void setCleanupIntervalSeconds(int seconds) {
        cleanupTimer.schedule(Settings.checkInterval("CleanupIntervalSeconds", seconds) * 1000L);
        cleanupIntervalSeconds = seconds;
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
        admission.setPolicy(Objects.requireNonNull(policy, "policy"));
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

    public int enforceQuotas() {
        return operatorActions.enforceQuotas();
    }

    /**
     * The operator's list, close and disconnect, on every node in a cluster. Like {@link #readings()} it is
     * fetched through the container, and what it does needs no lock of this bean.
     */
    public OperatorActions operatorActions() {
        return operatorActions;
    }

    /**
     * Live counts and since-start totals, read-only. Fetched through the container like every call here, so a
     * factory that does not answer still fails the read (liveness relies on it); the reads themselves need no lock.
     */
    public QuotaReadings readings() {
        return readings;
    }
}
