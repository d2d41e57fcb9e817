package dev.wsquota.guard;

import java.util.function.LongSupplier;

/**
 * What one connection may send: text only, at most {@code maxMessageBytes} UTF-8 bytes per
 * ASSEMBLED message (the container checks its limit per frame only), and at most
 * {@code maxMessagesPerSecond} messages per second on average with bursts of as many (a token
 * bucket; a message takes its token when its first fragment arrives).
 *
 * <p>One instance per connection, fed by the container's single reader of that connection; it is
 * not thread-safe and needs not be. Once it refuses, it refuses everything after.
 */
public final class InboundGuard {

    /** 1003: the endpoint cannot accept this data type (binary where only text is supported). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1008: policy violation (rate limit). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: message too big. */
    public static final int MESSAGE_TOO_BIG = 1009;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The result of feeding a fragment. */
    public sealed interface Step permits Partial, Message, Refusal {
    }

    /** The message is not complete yet. */
    public record Partial() implements Step {
    }

    /** A complete message within the limits. */
    public record Message(String text) implements Step {
    }

    /** The connection must be closed with this code and reason (at most 123 UTF-8 bytes). */
    public record Refusal(int code, String reason) implements Step {
    }

    private static final Partial PARTIAL = new Partial();

    private final int maxMessageBytes;
    private final int ratePerSecond;
    private final LongSupplier nanoClock;
    /** Only while a fragmented message is being assembled; null otherwise, so an idle connection keeps no buffer. */
    StringBuilder assembling; // package-private: tests check that an idle connection keeps none
    private long assembledBytes;
    private boolean inMessage;
    /** The refusal this guard gave, or null while in good standing (package-private: tests read it). */
    Refusal refused;

    /** Tokens are kept in billionths so refilling needs no floating point. */
    private long nanoTokens;
    private long lastRefill;

    public InboundGuard(int maxMessageBytes, int maxMessagesPerSecond, LongSupplier nanoClock) {
        if (maxMessageBytes < 1 || maxMessagesPerSecond < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxMessageBytes + ", "
                    + maxMessagesPerSecond);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.ratePerSecond = maxMessagesPerSecond;
        this.nanoClock = nanoClock;
        this.nanoTokens = (long) maxMessagesPerSecond * NANOS_PER_SECOND;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** Feeds one fragment of a text message ({@code last} = it ends the message). */
    public Step onText(CharSequence fragment, boolean last) {
        if (refused != null) {
            return refused;
        }
        if (!inMessage) {
            if (!takeToken()) {
                return refuse(POLICY_VIOLATION, "rate limit: more than " + ratePerSecond + " messages per second");
            }
            inMessage = true;
        }
        assembledBytes += utf8Length(fragment);
        if (assembledBytes > maxMessageBytes) {
            assembling = null;
            return refuse(MESSAGE_TOO_BIG, "message too big: more than " + maxMessageBytes + " bytes");
        }
        if (last && assembling == null) {
            endMessage();
            return new Message(fragment.toString()); // a single-frame message: no copy into a buffer
        }
        if (assembling == null) {
            assembling = new StringBuilder(fragment.length() * 2);
        }
        assembling.append(fragment);
        if (!last) {
            return PARTIAL;
        }
        String text = assembling.toString();
        endMessage();
        return new Message(text);
    }

    private void endMessage() {
        assembling = null;
        assembledBytes = 0;
        inMessage = false;
    }

    /** Any binary fragment: wsquota speaks text only. */
    public Refusal onBinary() {
        if (refused != null) {
            return refused;
        }
        return refuse(UNSUPPORTED_DATA, "binary messages are not supported, send text");
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    private Refusal refuse(int code, String reason) {
        refused = new Refusal(code, reason);
        return refused;
    }

    private boolean takeToken() {
        long now = nanoClock.getAsLong();
        long elapsed = Math.max(0, now - lastRefill);
        lastRefill = now;
        long capacity = (long) ratePerSecond * NANOS_PER_SECOND;
        // elapsed (ns) * rate (1/s) = tokens * 1e9; saturate instead of overflowing after long idleness.
        long refill = elapsed > capacity / ratePerSecond ? capacity : elapsed * ratePerSecond;
        nanoTokens = Math.min(capacity, nanoTokens + refill);
        if (nanoTokens < NANOS_PER_SECOND) {
            return false;
        }
        nanoTokens -= NANOS_PER_SECOND;
        return true;
    }

    /** UTF-8 length without encoding: 1-3 bytes per char, 4 per surrogate pair (2 per half). */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
