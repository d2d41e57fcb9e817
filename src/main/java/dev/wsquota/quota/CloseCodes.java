package dev.wsquota.quota;

import java.nio.charset.StandardCharsets;

/** The WebSocket close codes wsquota uses, and the 123-byte limit RFC 6455 puts on a close reason. */
public final class CloseCodes {

    /** 1001: the server is going away from this connection (idle, shutdown). */
    public static final int GOING_AWAY = 1001;
    /** 1008: policy violation (operator action, rate limit). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1011: the server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1013: try again later (quota exceeded). */
    public static final int TRY_AGAIN_LATER = 1013;

    /** 4001 (application range): this connection was replaced by a newer one of the same user; do not reconnect. */
    public static final int REPLACED = 4001;
    /** 4002 (application range): the peer did not answer a ping in time. */
    public static final int PONG_TIMEOUT = 4002;

    /** 4003 (application range): the peer did not read the messages sent to it fast enough; it may reconnect. */
    public static final int SLOW_CONSUMER = 4003;

    /** RFC 6455 5.5: a control frame payload is at most 125 bytes, 2 of which are the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /** Cuts a reason to at most 123 UTF-8 bytes without splitting a character. */
    public static String fitReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        // Every char is at least one byte, so no more than 120 chars can fit.
        int end = Math.min(reason.length(), MAX_REASON_BYTES - 3);
        if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            end = Character.isLowSurrogate(reason.charAt(end - 1)) && end >= 2 ? end - 2 : end - 1;
        }
        return reason.substring(0, end) + "...";
    }
}
