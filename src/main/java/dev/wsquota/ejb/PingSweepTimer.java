package dev.wsquota.ejb;

import dev.wsquota.quota.CleanupReport;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.PingSweep;
import dev.wsquota.quota.Settings;
import dev.wsquota.util.WeakLogger;
import jakarta.annotation.PostConstruct;
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

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the ping sweep (pings for the silent, 4002 for the unanswered, 1001 for the idle) on its own
 * container timer, and holds the three settings that decide its period. A change of setting takes the
 * WRITE lock, so a reschedule never overlaps a sweep (which holds a READ lock).
 */
@Singleton
@Startup
@DependsOn("ManagerFactory")
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.READ)
@TransactionManagement(TransactionManagementType.BEAN) // no transactional resources
@AccessTimeout(value = 10, unit = TimeUnit.SECONDS) // a stuck holder makes a call fail loudly, never queue forever
public class PingSweepTimer {

    /** The info of the one sweep timer. */
    public static final String SWEEP_TIMER = "wsquota-liveness";

    private static final Logger LOG = WeakLogger.of(PingSweepTimer.class);

    @Resource
    private TimerService timerService;

    @EJB
    private ManagerFactory factory;

    private PingSweep sweep;
    private IntervalTimer timer;

    @PostConstruct
    void start() {
        sweep = factory.pingSweep();
        timer = new IntervalTimer(timerService, SWEEP_TIMER);
        timer.start(sweep.sweepPeriodMillis(), "dead peers are not pinged and idle ones not closed");
    }

    @Timeout
    void onTimer() {
        try {
            PingSweep.SweepReport report = sweep.sweep();
            for (CleanupReport.CleanupFailure failure : report.errors()) {
                LOG.log(Level.WARNING, "could not ping or close manager " + failure.managerId() + " of "
                        + LogSafe.user(failure.user()) + "; its slot was released (cause ERROR)", failure.error());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "ping sweep failed; the timer keeps running", e);
        }
    }

    public TimerStatus timerStatus() {
        return timer.status();
    }

    /** Creates the sweep timer again if it is missing; returns why it did, or empty. Called by the watchdog. */
    @Lock(LockType.WRITE)
    public Optional<String> ensureTimer() {
        return timer.ensure(sweep.sweepPeriodMillis());
    }

    public int getIdleTimeoutSeconds() {
        return (int) (sweep.idleTimeoutMillis() / 1000);
    }

    /** Applies to the sweep and to cleanup at once, for every connection; the sweep is rescheduled to match. */
    @Lock(LockType.WRITE)
    public void setIdleTimeoutSeconds(int seconds) {
        sweep.setIdleTimeoutMillis(Settings.checkIntervalOrZero("IdleTimeoutSeconds", seconds) * 1000L);
        timer.schedule(sweep.sweepPeriodMillis());
    }

    public int getPingIntervalSeconds() {
        return (int) (sweep.pingIntervalMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPingIntervalSeconds(int seconds) {
        sweep.setPingIntervalMillis(Settings.checkIntervalOrZero("PingIntervalSeconds", seconds) * 1000L);
        timer.schedule(sweep.sweepPeriodMillis());
    }

    public int getPongTimeoutSeconds() {
        return (int) (sweep.pongTimeoutMillis() / 1000);
    }

    @Lock(LockType.WRITE)
    public void setPongTimeoutSeconds(int seconds) {
        sweep.setPongTimeoutMillis(Settings.checkInterval("PongTimeoutSeconds", seconds) * 1000L);
        timer.schedule(sweep.sweepPeriodMillis());
    }
}
