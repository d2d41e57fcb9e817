package dev.wsquota.inbound;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Since-start totals of inbound handling; what is in flight now is read from the lanes themselves. */
public final class InboundStatistics {

    private final LongAdder messages = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder handlerErrors = new LongAdder();
    private final LongAdder forwardTimeouts = new LongAdder();
    private final LongAdder forwardFailures = new LongAdder();
    private final LongAdder forwardLate = new LongAdder();
    private final LongAdder replyFailures = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    void countMessage() {
        messages.increment();
    }

    void countBusy() {
        busy.increment();
    }

    void countHandlerError() {
        handlerErrors.increment();
    }

    void countFailure(HandlerFailure.Kind kind) {
        (kind == HandlerFailure.Kind.FORWARD_TIMEOUT ? forwardTimeouts : forwardFailures).increment();
    }

    void countLate() {
        forwardLate.increment();
    }

    void countDropped(int events) {
        dropped.add(events);
    }

    void countReplyFailure() {
        replyFailures.increment();
    }

    /** Client messages handed to the application (CDI or forward), since start. */
    public long messages() {
        return messages.sum();
    }

    /** Client messages refused with an error frame because their manager had too many in flight. */
    public long busy() {
        return busy.sum();
    }

    /** Events whose CDI observer (or handler) threw. */
    public long handlerErrors() {
        return handlerErrors.sum();
    }

    /** Forward calls that got no answer within the timeout. */
    public long forwardTimeouts() {
        return forwardTimeouts.sum();
    }

    /** Forward calls refused, failed, or answered with a status other than 2xx. */
    public long forwardFailures() {
        return forwardFailures.sum();
    }

    /** 2xx answers that came after their call had timed out: dropped. */
    public long forwardLate() {
        return forwardLate.sum();
    }

    /** Replies that could not be written to an open connection. */
    public long replyFailures() {
        return replyFailures.sum();
    }

    /** Events never handed over because the executor refused them (the application stopping). */
    public long dropped() {
        return dropped.sum();
    }

    /** Every total by name, for JMX. */
    public Map<String, Long> snapshot() {
        Map<String, Long> all = new LinkedHashMap<>();
        all.put("MESSAGES", messages());
        all.put("BUSY", busy());
        all.put("HANDLER_ERRORS", handlerErrors());
        all.put("FORWARD_TIMEOUTS", forwardTimeouts());
        all.put("FORWARD_FAILURES", forwardFailures());
        all.put("FORWARD_LATE", forwardLate());
        all.put("REPLY_FAILURES", replyFailures());
        all.put("DROPPED", dropped());
        return all;
    }
}
