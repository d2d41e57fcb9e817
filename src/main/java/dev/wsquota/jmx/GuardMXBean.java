package dev.wsquota.jmx;

import java.util.Map;

/**
 * What the security guards refused, registered as {@code dev.wsquota:type=Guard}. The settings are
 * read-only here: they come from MicroProfile Config at start.
 */
public interface GuardMXBean {

    /** {@code wsquota.allowed-origins} as applied ("same host only" when empty). */
    String getAllowedOrigins();

    /** {@code wsquota.max-message-bytes}: largest assembled text message; more closes with 1009. */
    int getMaxMessageBytes();

    /** {@code wsquota.max-messages-per-second}: per connection; more closes with 1008. */
    int getMaxMessagesPerSecond();

    /** Refusals since start by kind: ORIGIN (403), USER_ID (1008), MESSAGE_TOO_BIG (1009), BINARY (1003), RATE (1008), PROTOCOL (container: 1002/1007/1009). */
    Map<String, Long> getRefusals();
}
