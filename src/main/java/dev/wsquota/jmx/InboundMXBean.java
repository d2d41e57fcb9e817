package dev.wsquota.jmx;

import java.util.Map;

/**
 * Where client messages go and what happened to them, registered as {@code dev.wsquota:type=Inbound}. The
 * settings are read-only here: they come from MicroProfile Config at start.
 */
public interface InboundMXBean {

    /** {@code wsquota.inbound.mode}: echo, cdi or forward. */
    String getMode();

    /** {@code wsquota.inbound.max-in-flight}: messages one manager may have waiting or running at once. */
    int getMaxInFlightPerManager();

    /** {@code wsquota.inbound.threads}: the handlers' own threads. */
    int getThreads();

    /** {@code wsquota.inbound.forward-url} in forward mode, else empty. */
    String getForwardUrl();

    /** {@code wsquota.inbound.forward-timeout-millis}. */
    int getForwardTimeoutMillis();

    /** Messages of live managers waiting for or in their handler now. */
    int getInFlight();

    /** Client messages handed to the application (CDI or forward) since start. */
    long getMessagesIn();

    /** Messages refused with an error frame since start because their manager had too many in flight. */
    long getBusyRefusals();

    /** Events whose CDI observer threw, since start. */
    long getHandlerErrors();

    /** Forward calls without an answer within the timeout, since start. */
    long getForwardTimeouts();

    /** Forward calls refused, failed, or answered with a status other than 2xx, since start. */
    long getForwardFailures();

    /** 2xx answers that came after their call had timed out (dropped), since start. */
    long getForwardLateReplies();

    /** Every total by name: MESSAGES, BUSY, HANDLER_ERRORS, FORWARD_TIMEOUTS, FORWARD_FAILURES, FORWARD_LATE, REPLY_FAILURES, DROPPED. */
    Map<String, Long> getCounts();
}
