package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds dead peers without a thread per connection: one sweep over all managers pings those that
 * have been silent for a ping interval and closes those whose ping went unanswered for the pong
 * timeout. Any inbound frame answers a ping ({@link Manager#touch}).
 */
public final class Liveness {

    private volatile long pingIntervalMillis;
    private volatile long pongTimeoutMillis;

    /**
     * @param pingIntervalMillis silence after which a manager is pinged; 0 turns pinging off
     * @param pongTimeoutMillis  how long a ping may stay unanswered
     */
    public Liveness(long pingIntervalMillis, long pongTimeoutMillis) {
        this.pingIntervalMillis = pingIntervalMillis;
        this.pongTimeoutMillis = pongTimeoutMillis;
    }

    public long pingIntervalMillis() {
        return pingIntervalMillis;
    }

    public void setPingIntervalMillis(long millis) {
        pingIntervalMillis = millis;
    }

    public long pongTimeoutMillis() {
        return pongTimeoutMillis;
    }

    public void setPongTimeoutMillis(long millis) {
        pongTimeoutMillis = millis;
    }

    /** How often to sweep so a dead peer is found at most a quarter of the shorter period late: 250 ms to 5 s. */
    public long sweepPeriodMillis() {
        long shorter = pingIntervalMillis == 0 ? pongTimeoutMillis : Math.min(pingIntervalMillis, pongTimeoutMillis);
        return Math.max(250, Math.min(5_000, shorter / 4));
    }

    /** One pass: ping the silent, close the unanswered. A failure on one manager is recorded and the pass goes on. */
    public SweepReport sweep(ManagerRegistry registry) {
        long now = registry.now();
        long interval = pingIntervalMillis;
        long timeout = pongTimeoutMillis;
        int pinged = 0;
        int timedOut = 0;
        int failures = 0;
        List<CleanupReport.CleanupFailure> errors = new ArrayList<>();
        for (Manager manager : registry.allManagers()) {
            try {
                long sent = manager.pingSentMillis();
                if (sent != 0 && now - sent >= timeout) {
                    if (registry.releaseAndClose(manager, ReleaseCause.PONG_TIMEOUT, CloseCodes.PONG_TIMEOUT,
                            "no pong within " + timeout + " ms")) {
                        timedOut++;
                    }
                } else if (sent == 0 && interval > 0 && manager.idleMillis(now) >= interval) {
                    manager.pingSent(now);
                    manager.connection().ping();
                    pinged++;
                }
            } catch (Exception e) {
                failures++;
                if (errors.size() < CleanupReport.MAX_ERRORS_KEPT) {
                    errors.add(new CleanupReport.CleanupFailure(manager.id(), manager.user(), e));
                }
                // A connection that cannot take a ping or a close frame is not one a slot should be held for.
                registry.release(manager, ReleaseCause.ERROR);
            }
        }
        return new SweepReport(pinged, timedOut, failures, List.copyOf(errors));
    }

    /**
     * What one liveness sweep did.
     *
     * @param pinged   pings sent
     * @param timedOut managers closed and released because their ping went unanswered
     * @param failures managers that could not be pinged or closed (released with cause ERROR)
     * @param errors   the first few failures, for the log
     */
    public record SweepReport(int pinged, int timedOut, int failures, List<CleanupReport.CleanupFailure> errors) {
    }
}
