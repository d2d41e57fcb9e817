package dev.wsquota.ejb;

import dev.wsquota.util.WeakLogger;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;

import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One named interval timer of a bean, kept so that it always exists: a new period replaces the old
 * timer only after the new one is created, a missing timer is created again, and a refusal by the
 * container is kept for the operator. Used only from inside its bean's own calls.
 */
final class IntervalTimer {

    private static final Logger LOG = WeakLogger.of(IntervalTimer.class);

    private final TimerService service;
    private final String info;
    private final AtomicLong recreations = new AtomicLong();
    private volatile String error = "";

    IntervalTimer(TimerService service, String info) {
        this.service = service;
        this.info = info;
    }

    /**
     * Creates the timer with this period, then cancels any older one, so there is never none; throws if refused.
     * The first run of the new timer is no later than the run the old one had planned, so rescheduling, however
     * often, never postpones a run.
     */
    void schedule(long periodMillis) {
        long nowMillis = System.currentTimeMillis();
        long firstDelay = firstDelayMillis(nowMillis, timer().map(IntervalTimer::nextTimeoutMillis).orElse(null),
                periodMillis);
        // Not persistent: Liberty creates no timer at all for a persistent one without a database.
        Timer created = service.createIntervalTimer(new Date(nowMillis + firstDelay), periodMillis,
                new TimerConfig(info, false));
        for (Timer timer : service.getTimers()) {
            if (info.equals(timer.getInfo()) && !timer.equals(created)) {
                timer.cancel();
            }
        }
        error = "";
    }

    /** As {@link #schedule}, for the start: a refusal is logged with {@code withoutIt} and kept, not thrown. */
    void start(long periodMillis, String withoutIt) {
        try {
            schedule(periodMillis);
        } catch (RuntimeException e) {
            error = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timer " + info + " could NOT be created: " + withoutIt
                    + ", until the watchdog manages to create it. TimerActive=false in JMX.", e);
        }
    }

    /** Creates the timer again if it is missing; returns why it did, or empty (present, or refused again: logged). */
    Optional<String> ensure(long periodMillis) {
        if (timer().isPresent()) {
            return Optional.empty();
        }
        try {
            schedule(periodMillis);
            recreations.incrementAndGet();
            LOG.warning(() -> "wsquota timer " + info + " was missing and has been re-created (every " + periodMillis
                    + " ms)");
            return Optional.of("missing; re-created with a period of " + periodMillis + " ms");
        } catch (RuntimeException e) {
            error = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timer " + info + " is missing and could NOT be re-created", e);
            return Optional.empty();
        }
    }

    /**
     * How long until the first run of a timer with a new period: the period, or less if the old timer's next run
     * ({@code oldNextMillis}, null if there is no old timer) comes sooner; never negative (an overdue run goes now).
     */
    static long firstDelayMillis(long nowMillis, Long oldNextMillis, long periodMillis) {
        if (oldNextMillis == null) {
            return periodMillis;
        }
        return Math.max(0, Math.min(periodMillis, oldNextMillis - nowMillis));
    }

    /** The timer's next run in epoch milliseconds, or null if the container cannot say (e.g. it was just cancelled). */
    private static Long nextTimeoutMillis(Timer timer) {
        try {
            return timer.getNextTimeout().getTime();
        } catch (IllegalStateException | NoSuchObjectLocalException e) {
            return null; // expired or cancelled meanwhile: nothing planned to keep
        }
    }

    boolean exists() {
        return timer().isPresent();
    }

    TimerStatus status() {
        Optional<Timer> timer = timer();
        return new TimerStatus(info, timer.isPresent(), error, recreations.get(), timer.map(Timer::getNextTimeout)
                .orElse(null));
    }

    private Optional<Timer> timer() {
        return service.getTimers().stream().filter(timer -> info.equals(timer.getInfo())).findFirst();
    }
}
