package dev.wsquota.ejb;

import dev.wsquota.quota.OperatorEvents;
import dev.wsquota.util.WeakLogger;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks every two seconds that the cleanup and the sweep timer exist and creates a missing one again.
 * It runs on the managed scheduler, not on an EJB timer, because it must survive the loss of the timers.
 */
@Singleton
@Startup
@DependsOn({"ManagerFactory", "PingSweepTimer"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // only volatile state; the timer beans hold the locks
@TransactionManagement(TransactionManagementType.BEAN) // no transactional resources
public class TimerWatchdog {

    /** How often the watchdog checks that both timers exist. */
    static final long PERIOD_MILLIS = 2_000;

    private static final Logger LOG = WeakLogger.of(TimerWatchdog.class);

    @Resource
    private ManagedScheduledExecutorService scheduler;

    @EJB
    private ManagerFactory factory;

    @EJB
    private PingSweepTimer sweepTimer;

    private volatile OperatorEvents events = OperatorEvents.NONE;
    private ScheduledFuture<?> watchdog;

    @PostConstruct
    void start() {
        watchdog = scheduler.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        watchdog.cancel(false);
    }

    /** Where re-created timers are reported from now on. */
    public void setOperatorEvents(OperatorEvents events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    private void check() {
        try {
            // A READ look first: a timer bean's WRITE lock is taken only to repair.
            if (!factory.cleanupTimerStatus().active()) {
                recreated(ManagerFactory.CLEANUP_TIMER, factory::ensureCleanupTimer);
            }
            if (!sweepTimer.timerStatus().active()) {
                recreated(PingSweepTimer.SWEEP_TIMER, sweepTimer::ensureTimer);
            }
        } catch (RuntimeException e) {
            // Logged, never thrown: an exception would stop scheduleWithFixedDelay for good.
            LOG.log(Level.SEVERE, "wsquota watchdog could not check the timers; it tries again in " + PERIOD_MILLIS
                    + " ms", e);
        }
    }

    private void recreated(String timer, Supplier<Optional<String>> ensure) {
        ensure.get().ifPresent(why -> events.timerRecreated(timer, why));
    }

    /** The cleanup and the sweep timer, as they stand now. */
    public List<TimerStatus> timers() {
        return List.of(factory.cleanupTimerStatus(), sweepTimer.timerStatus());
    }

    /** True while both the cleanup and the sweep timer exist in the container. */
    public boolean isTimerActive() {
        return timers().stream().allMatch(TimerStatus::active);
    }

    /** The timers missing from the container now, as readiness names them ("cleanup", "ping sweep"). */
    public List<String> missingTimers() {
        List<String> missing = new ArrayList<>();
        if (!factory.cleanupTimerStatus().active()) {
            missing.add("cleanup");
        }
        if (!sweepTimer.timerStatus().active()) {
            missing.add("ping sweep");
        }
        return missing;
    }

    /** Why a timer could not be created, or empty when both were. */
    public String getTimerError() {
        return timers().stream().map(TimerStatus::error).filter(error -> !error.isEmpty()).findFirst().orElse("");
    }

    /** Timers found missing and re-created, since start. */
    public long getTimerRecreations() {
        return timers().stream().mapToLong(TimerStatus::recreations).sum();
    }
}
