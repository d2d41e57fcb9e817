package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds dead and idle peers without a thread per connection: one sweep over all managers closes
 * (1001) those idle past the idle timeout, pings those silent for a ping interval, and closes (4002)
 * those whose ping went unanswered for the pong timeout. Any inbound frame answers a ping
 * ({@link Manager#touch}). The sweep, not the container, closes the idle, because Liberty's own idle
 * close sends code 1006, which must never appear on the wire and which clients reject.
 *
 * <p>The pong timeout is judged on a clock that stops while the server lags: a sweep that runs later than
 * its period is evidence that the server's threads did not run, and those are also the threads that read a
 * pong. Every millisecond a sweep is late therefore extends the outstanding deadlines, so a server's own
 * pause never kills a client that answered. A dead peer is still found: the clock only slows by the lateness.
 */
public final class PingSweep {

    private final ManagerRegistry registry;
    private final ServerCloses closes;
    private volatile long pingIntervalMillis;
    private volatile long pongTimeoutMillis;
    private volatile long idleTimeoutMillis;
    /** The sum of every sweep's lateness: how far the lag-adjusted clock is behind the registry's. */
    volatile long lagMillis; // package-private: tests read it
    /** When the last sweep started; 0 before the first and after a change of period. */
    private volatile long lastSweepMillis;

    /**
     * @param registry           the managers to sweep
     * @param pingIntervalMillis silence after which a manager is pinged; 0 turns pinging off
     * @param pongTimeoutMillis  how long a ping may stay unanswered
     * @param idleTimeoutMillis  silence after which a manager is closed as idle; 0 = never
     */
    public PingSweep(ManagerRegistry registry, long pingIntervalMillis, long pongTimeoutMillis,
            long idleTimeoutMillis) {
        this.registry = registry;
        this.closes = registry.closes();
        this.pingIntervalMillis = pingIntervalMillis;
        this.pongTimeoutMillis = pongTimeoutMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    public long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    public void setIdleTimeoutMillis(long millis) {
        idleTimeoutMillis = millis;
        lastSweepMillis = 0; // the period changes: the next sweep is not late by the old one
    }

    public long pingIntervalMillis() {
        return pingIntervalMillis;
    }

    public void setPingIntervalMillis(long millis) {
        pingIntervalMillis = millis;
        lastSweepMillis = 0; // the period changes: the next sweep is not late by the old one
    }

    public long pongTimeoutMillis() {
        return pongTimeoutMillis;
    }

    public void setPongTimeoutMillis(long millis) {
        pongTimeoutMillis = millis;
        lastSweepMillis = 0; // the period changes: the next sweep is not late by the old one
    }

    /**
     * How often to sweep so a dead or idle peer is found at most a quarter of the shortest period late: 250 ms to 5 s.
     */
    public long sweepPeriodMillis() {
        long shortest = pongTimeoutMillis;
        if (pingIntervalMillis > 0) {
            shortest = Math.min(shortest, pingIntervalMillis);
        }
        if (idleTimeoutMillis > 0) {
            shortest = Math.min(shortest, idleTimeoutMillis);
        }
        return Math.max(250, Math.min(5_000, shortest / 4));
    }

    /** One pass: ping the silent, close the unanswered. A failure on one manager is recorded and the pass goes on. */
    public SweepReport sweep() {
        long now = registry.now();
        long late = lastSweepMillis == 0 ? 0 : Math.max(0, now - lastSweepMillis - sweepPeriodMillis());
        lastSweepMillis = now;
        long lag = lagMillis + late;
        lagMillis = lag; // only the sweep writes it (the container runs one sweep at a time)
        long steadyNow = now - lag;
        long interval = pingIntervalMillis;
        long timeout = pongTimeoutMillis;
        long idleTimeout = idleTimeoutMillis;
        int pinged = 0;
        int timedOut = 0;
        int idled = 0;
        int busy = 0;
        int failures = 0;
        List<CleanupReport.CleanupFailure> errors = new ArrayList<>();
        for (Manager manager : registry.allManagers()) {
            try {
                long queued = manager.pingQueuedMillis();
                long written = manager.pingWrittenMillis();
                if (closes.closeIfIdle(manager, now, idleTimeout)) {
                    idled++;
                } else if (queued != 0 && unanswered(steadyNow, queued, written, timeout)) {
                    if (closes.releaseAndClose(manager, ReleaseCause.PONG_TIMEOUT, CloseCodes.PONG_TIMEOUT,
                            "no pong within " + timeout + " ms")) {
                        timedOut++;
                    }
                } else if (queued == 0 && interval > 0 && manager.idleMillis(now) >= interval) {
                    manager.pingQueued(steadyNow);
                    if (manager.connection().ping(() -> manager.pingWritten(steadyNow, registry.now() - lagMillis))) {
                        pinged++;
                    } else {
                        manager.pingNotQueued(steadyNow); // could not even be queued: the next sweep tries again
                        registry.suspect(manager); // and the next cleanup pass asks whether it is still open
                        busy++;
                    }
                }
            } catch (Exception e) {
                failures++;
                if (errors.size() < CleanupReport.MAX_ERRORS_KEPT) {
                    errors.add(new CleanupReport.CleanupFailure(manager.id(), manager.user(), e));
                }
                // A connection that cannot take a ping or a close frame is not one a slot should be held for.
                closes.releaseAndCloseQuietly(manager, ReleaseCause.ERROR, CloseCodes.INTERNAL_ERROR, "ping failed");
            }
        }
        return new SweepReport(pinged, busy, timedOut, idled, failures, late, List.copyOf(errors));
    }

    /**
     * A written ping is unanswered after the pong timeout (all times on the lag-adjusted clock). One that could not be
     * written for twice the
     * pong timeout (stuck behind a write to a peer that stopped reading) counts as unanswered too.
     */
    private static boolean unanswered(long now, long queued, long written, long timeout) {
        return written != 0 ? now - written >= timeout : now - queued >= 2 * timeout;
    }

    /**
     * What one ping sweep did.
     *
     * @param pinged   pings sent
     * @param busy     pings put off to the next sweep because they could not be queued
     * @param timedOut managers closed and released because their ping went unanswered
     * @param idled    managers closed and released as idle
     * @param failures managers that could not be pinged or closed (released with cause ERROR)
     * @param lateMillis how much later than its period this sweep ran (by as much the pong deadlines were extended)
     * @param errors   the first few failures, for the log
     */
    public record SweepReport(int pinged, int busy, int timedOut, int idled, int failures, long lateMillis,
                              List<CleanupReport.CleanupFailure> errors) {
    }
}
