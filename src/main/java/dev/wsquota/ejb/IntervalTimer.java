package dev.wsquota.ejb;

import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;

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

    private static final Logger LOG = Logger.getLogger(IntervalTimer.class.getName());

    private final TimerService service;
    private final String info;
    private final AtomicLong recreations = new AtomicLong();
    private volatile String error = "";

    IntervalTimer(TimerService service, String info) {
        this.service = service;
        this.info = info;
    }

    /** Creates the timer with this period, then cancels any older one, so there is never none; throws if refused. */
    void schedule(long periodMillis) {
        // Not persistent: Liberty creates no timer at all for a persistent one without a database.
        Timer created = service.createIntervalTimer(periodMillis, periodMillis, new TimerConfig(info, false));
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
            LOG.warning(() -> "wsquota timer " + info + " was missing and has been re-created (every " + periodMillis + " ms)");
            return Optional.of("missing; re-created with a period of " + periodMillis + " ms");
        } catch (RuntimeException e) {
            error = String.valueOf(e);
            LOG.log(Level.SEVERE, "wsquota timer " + info + " is missing and could NOT be re-created", e);
            return Optional.empty();
        }
    }

    boolean exists() {
        return timer().isPresent();
    }

    TimerStatus status() {
        Optional<Timer> timer = timer();
        return new TimerStatus(info, timer.isPresent(), error, recreations.get(), timer.map(Timer::getNextTimeout).orElse(null));
    }

    private Optional<Timer> timer() {
        return service.getTimers().stream().filter(timer -> info.equals(timer.getInfo())).findFirst();
    }
}
