package dev.wsquota.guard;

import dev.wsquota.quota.Settings;

import java.util.Optional;
import java.util.function.Function;

/**
 * The security keys: which browser origins may open a connection and what one connection may send.
 * Kept apart from {@code dev.wsquota.quota.Settings} so the quota keys and these evolve independently.
 * Loading fails with a message naming the key, the value and what is allowed.
 *
 * @param allowedOrigins       {@code wsquota.allowed-origins}: the parsed allow-list (empty list = same host only)
 * @param maxMessageBytes      {@code wsquota.max-message-bytes}: largest assembled text message, in UTF-8 bytes
 * @param maxMessagesPerSecond {@code wsquota.max-messages-per-second}: sustained rate and burst of one connection
 */
public record GuardSettings(OriginPolicy allowedOrigins, int maxMessageBytes, int maxMessagesPerSecond) {

    public static final String ALLOWED_ORIGINS = "wsquota.allowed-origins";
    public static final String MAX_MESSAGE_BYTES = "wsquota.max-message-bytes";
    public static final String MAX_MESSAGES_PER_SECOND = "wsquota.max-messages-per-second";

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;
    public static final int DEFAULT_MAX_MESSAGES_PER_SECOND = 50;
    /** 1 MiB: the highest {@code wsquota.max-message-bytes} accepted; a guard buffers at most this much. */
    public static final int MAX_MESSAGE_BYTES_LIMIT = 1024 * 1024;
    public static final int MAX_RATE_LIMIT = 100_000;

    public GuardSettings {
        if (allowedOrigins == null) {
            throw new IllegalArgumentException(ALLOWED_ORIGINS + " must be given (empty = same host only)");
        }
        checkRange(MAX_MESSAGE_BYTES, maxMessageBytes, 1, MAX_MESSAGE_BYTES_LIMIT);
        checkRange(MAX_MESSAGES_PER_SECOND, maxMessagesPerSecond, 1, MAX_RATE_LIMIT);
    }

    /** Reads every key through {@code lookup} (raw text or empty), using the default where a key is absent. */
    public static GuardSettings load(Function<String, Optional<String>> lookup) {
        String origins = lookup.apply(ALLOWED_ORIGINS).orElse("");
        OriginPolicy policy;
        try {
            policy = OriginPolicy.parse(origins);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ALLOWED_ORIGINS + ": " + e.getMessage(), e);
        }
        return new GuardSettings(policy,
                Settings.intValue(lookup, MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES),
                Settings.intValue(lookup, MAX_MESSAGES_PER_SECOND, DEFAULT_MAX_MESSAGES_PER_SECOND));
    }

    /** A fresh guard for one connection with these limits. */
    public InboundGuard newGuard(java.util.function.LongSupplier nanoClock) {
        return new InboundGuard(maxMessageBytes, maxMessagesPerSecond, nanoClock);
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
