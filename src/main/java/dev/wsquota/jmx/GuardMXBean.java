package dev.wsquota.jmx;

import java.util.Map;

/**
 * What the security guards refused, registered as {@code dev.wsquota:type=Guard}. The settings are
 * read-only here: they come from MicroProfile Config at start.
 */
@Description("wsquota guards: the input limits in force and what they refused")
public interface GuardMXBean {

    @Description("wsquota.allowed-origins as applied (\"same host only\" when empty).")
    String getAllowedOrigins();

    @Description("wsquota.max-message-bytes: largest assembled text message in UTF-8 bytes; more closes with 1009.")
    int getMaxMessageBytes();

    @Description("wsquota.max-messages-per-second: per connection, also the burst; more closes with 1008.")
    int getMaxMessagesPerSecond();

    @Description("Handshakes and connections refused since start, by kind (the kinds: see docs/jmx.md).")
    Map<String, Long> getRefusals();
}
