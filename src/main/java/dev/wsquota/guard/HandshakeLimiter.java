package dev.wsquota.guard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket of handshake attempts per user, so one user's reconnect loop is refused cheaply before the
 * upgrade instead of taking handshake threads, authentication and admission from everyone else. Each user may
 * try {@code burst} times at once and {@code perSecond} times a second after that.
 */
public final class HandshakeLimiter {

    /** Users remembered at most; beyond it, users whose bucket has filled up again are forgotten. */
    static final int MAX_TRACKED_USERS = 100_000;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond sustained attempts per user per second; {@code burst} attempts allowed at once */
    public HandshakeLimiter(int perSecond, int burst, LongSupplier nanoClock) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a handshake limit needs a rate and a burst of at least 1, was "
                    + perSecond + "/s and " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes one attempt from the user's bucket: 0 if allowed, else how many milliseconds until the next one would be. */
    public long tryAcquire(String user) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED_USERS) {
            buckets.values().removeIf(bucket -> bucket.tokensAt(now, perNano, burst) >= burst);
        }
        Bucket bucket = buckets.computeIfAbsent(user, u -> new Bucket(burst, now));
        synchronized (bucket) {
            double tokens = bucket.tokensAt(now, perNano, burst);
            bucket.tokens = tokens;
            bucket.updatedNanos = now;
            if (tokens >= 1) {
                bucket.tokens = tokens - 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
        }
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        synchronized double tokensAt(long now, double perNano, double burst) {
            return Math.min(burst, tokens + (now - updatedNanos) * perNano);
        }
    }
}
