package dev.wsquota.guard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket of refused handshake attempts per user, so a reconnect loop that keeps being refused is answered
 * with a cheap 429 before the upgrade, while a user inside the quota is never throttled however fast they churn.
 * An attempt looks at the bucket before the upgrade ({@link #retryAfterMillis}) and spends a token only when it
 * ends refused ({@link #charge}); an admitted attempt costs nothing. Each user may be refused {@code burst} times
 * at once and {@code perSecond} times a second after that.
 */
public final class HandshakeLimiter {

    /** Users remembered at most; beyond it, users whose bucket has filled up again are forgotten. */
    static final int MAX_TRACKED_USERS = 100_000;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    final Map<String, Bucket> buckets = new ConcurrentHashMap<>(); // package-private: tests check it is forgotten

    /** @param perSecond refused attempts per user per second; {@code burst} refused attempts allowed at once */
    public HandshakeLimiter(int perSecond, int burst, LongSupplier nanoClock) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a handshake limit needs a rate and a burst of at least 1, was "
                    + perSecond + "/s and " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /**
     * Looks without spending: 0 if the user may try now, else how many milliseconds until the bucket holds a token
     * again. A user who was never refused has no bucket at all.
     */
    public long retryAfterMillis(String user) {
        Bucket bucket = buckets.get(user);
        if (bucket == null) {
            return 0;
        }
        double tokens = bucket.tokensAt(nanoClock.getAsLong(), perNano, burst);
        return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
    }

    /**
     * Spends one token of the user's budget for an attempt that ended refused (quota, cluster unavailable, an
     * unusable user id). The bucket does not go below empty: attempts refused while others were in flight cost no
     * more than one wait for the next token.
     */
    public void charge(String user) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED_USERS) {
            buckets.values().removeIf(bucket -> bucket.tokensAt(now, perNano, burst) >= burst);
        }
        buckets.computeIfAbsent(user, u -> new Bucket(burst, now)).spend(now, perNano, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        synchronized double tokensAt(long now, double perNano, double burst) {
            return Math.min(burst, tokens + (now - updatedNanos) * perNano);
        }

        synchronized void spend(long now, double perNano, double burst) {
            tokens = Math.max(0, tokensAt(now, perNano, burst) - 1);
            updatedNanos = now;
        }
    }
}
