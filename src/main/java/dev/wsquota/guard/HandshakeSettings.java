package dev.wsquota.guard;

import dev.wsquota.quota.Settings;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The per-user limit on WebSocket handshake attempts; loading fails with a message naming the key and the bounds.
 *
 * @param perSecond {@code wsquota.handshakes-per-second}: sustained attempts per user per second (0 = no limit)
 * @param burst     {@code wsquota.handshake-burst}: attempts a user may make at once
 */
public record HandshakeSettings(int perSecond, int burst) {

    public static final String PER_SECOND = "wsquota.handshakes-per-second";
    public static final String BURST = "wsquota.handshake-burst";
    public static final int DEFAULT_PER_SECOND = 10;
    public static final int DEFAULT_BURST = 30;
    public static final int MAX = 100_000;

    public HandshakeSettings {
        if (perSecond < 0 || perSecond > MAX) {
            throw new IllegalArgumentException(PER_SECOND + " must be between 0 (no limit) and " + MAX + ", was "
                    + perSecond);
        }
        if (burst < 1 || burst > MAX) {
            throw new IllegalArgumentException(BURST + " must be between 1 and " + MAX + ", was " + burst);
        }
    }

    /** Reads both keys through {@code lookup} (raw text or empty), using the default where a key is absent. */
    public static HandshakeSettings load(Function<String, Optional<String>> lookup) {
        return new HandshakeSettings(Settings.intValue(lookup, PER_SECOND, DEFAULT_PER_SECOND),
                Settings.intValue(lookup, BURST, DEFAULT_BURST));
    }

    /** The limiter for these settings, or empty when the limit is off. */
    public Optional<HandshakeLimiter> newLimiter(LongSupplier nanoClock) {
        return perSecond == 0 ? Optional.empty() : Optional.of(new HandshakeLimiter(perSecond, burst, nanoClock));
    }

    @Override
    public String toString() {
        return perSecond == 0 ? "no limit" : perSecond + "/s per user, burst " + burst;
    }
}
