package dev.wsquota.guard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the guards refused something, since start: what an operator sees under
 * {@code dev.wsquota:type=Guard}. One instance per deployed application.
 */
public final class GuardStatistics {

    /** The kinds of refusal counted. */
    public enum Refused {
        /** Handshake with an Origin that is not allowed: HTTP 403. */
        ORIGIN,
        /** Handshake by a principal whose name is not a usable user id (too long, blank): close 1008. */
        USER_ID,
        /** Assembled text message over the limit: close 1009. */
        MESSAGE_TOO_BIG,
        /** Binary message: close 1003. */
        BINARY,
        /** Over the message rate: close 1008. */
        RATE,
        /** Handshake over the user's handshake rate (wsquota.handshakes-per-second): HTTP 429 with Retry-After. */
        HANDSHAKE_RATE,
        /** Handshake while the node drains or stops: HTTP 503 before the upgrade. */
        STOPPING,
        /**
         * Closed by the container for a protocol error (invalid UTF-8 1007, bad frame 1002, frame over its buffer
         * 1009).
         */
        PROTOCOL
    }

    private final Map<Refused, LongAdder> counts = new LinkedHashMap<>();

    public GuardStatistics() {
        for (Refused kind : Refused.values()) {
            counts.put(kind, new LongAdder());
        }
    }

    public void count(Refused kind) {
        counts.get(kind).increment();
    }

    public long get(Refused kind) {
        return counts.get(kind).sum();
    }

    /** Kind name to count, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((kind, count) -> out.put(kind.name(), count.sum()));
        return out;
    }
}
