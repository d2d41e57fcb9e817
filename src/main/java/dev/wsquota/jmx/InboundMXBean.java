package dev.wsquota.jmx;

import java.util.Map;

/**
 * Where client messages go and what happened to them, registered as {@code dev.wsquota:type=Inbound}. The
 * settings are read-only here: they come from MicroProfile Config at start.
 */
@Description("wsquota client messages: where they go (echo, CDI, forward) and what happened to them")
public interface InboundMXBean {

    @Description("wsquota.inbound.mode: echo, cdi or forward.")
    String getMode();

    @Description("wsquota.inbound.max-in-flight: messages one manager may have waiting or running at once.")
    int getMaxInFlightPerManager();

    @Description("wsquota.inbound.threads: the handlers' own threads.")
    int getThreads();

    @Description("wsquota.inbound.forward-url in forward mode, else empty.")
    String getForwardUrl();

    @Description("wsquota.inbound.forward-timeout-millis, in milliseconds.")
    int getForwardTimeoutMillis();

    @Description("Messages of live managers waiting for or in their handler now.")
    int getInFlight();

    @Description("Client messages handed to the application (CDI or forward) since start.")
    long getMessagesIn();

    @Description("Messages refused with an error frame since start: their manager had max-in-flight already.")
    long getBusyRefusals();

    @Description("Events whose CDI observer threw, since start.")
    long getHandlerErrors();

    @Description("Forward calls without an answer within the timeout, since start.")
    long getForwardTimeouts();

    @Description("Forward calls refused, failed, or answered with a status other than 2xx, since start.")
    long getForwardFailures();

    @Description("2xx answers that came after their call had timed out (dropped), since start.")
    long getForwardLateReplies();

    @Description("Every total by name (the names: see docs/jmx.md).")
    Map<String, Long> getCounts();
}
