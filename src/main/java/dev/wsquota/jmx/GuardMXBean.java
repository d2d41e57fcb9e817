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

    /** Refusals since start, by kind: one entry per {@code GuardStatistics.Refused} value (listed in docs/jmx.md). */
    Map<String, Long> getRefusals();
}
