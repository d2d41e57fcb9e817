package dev.wsquota.quota;

import java.util.Optional;
import java.util.function.Function;

/**
 * How much an outbound queue may hold and how long one send may take before its peer counts as too slow; read by
 * every outbox at every message, so a change over JMX holds at once for every manager.
 */
public final class OutboxLimits {

    public static final String MAX_QUEUED_BYTES = "wsquota.max-queued-bytes";
    public static final String SEND_TIMEOUT_SECONDS = "wsquota.send-timeout-seconds";
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1_048_576;
    public static final int DEFAULT_SEND_TIMEOUT_SECONDS = 10;
    /** Bounds of {@code wsquota.max-queued-bytes}: 1 KiB to 1 GiB. */
    public static final int MIN_QUEUED_BYTES = 1_024;
    public static final int MAX_QUEUED_BYTES_LIMIT = 1_073_741_824;
    /** Bounds of {@code wsquota.send-timeout-seconds}: 1 s to 1 hour. */
    public static final int MAX_SEND_TIMEOUT_SECONDS = 3_600;

    private volatile int maxQueuedBytes;
    private volatile int sendTimeoutSeconds;

    public OutboxLimits(int maxQueuedBytes, int sendTimeoutSeconds) {
        setMaxQueuedBytes(maxQueuedBytes);
        setSendTimeoutSeconds(sendTimeoutSeconds);
    }

    /** Reads both keys through {@code lookup}, with their defaults where absent; refuses a bad value naming the key. */
    public static OutboxLimits load(Function<String, Optional<String>> lookup) {
        int bytes = Settings.intValue(lookup, MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_BYTES);
        int seconds = Settings.intValue(lookup, SEND_TIMEOUT_SECONDS, DEFAULT_SEND_TIMEOUT_SECONDS);
        checkBytes(MAX_QUEUED_BYTES, bytes);
        checkSeconds(SEND_TIMEOUT_SECONDS, seconds);
        return new OutboxLimits(bytes, seconds);
    }

    /** Bytes (UTF-8) that may wait in one manager's queue, the message being written included. */
    public int maxQueuedBytes() {
        return maxQueuedBytes;
    }

    public void setMaxQueuedBytes(int bytes) {
        maxQueuedBytes = checkBytes("MaxQueuedBytes", bytes);
    }

    /** Seconds one message may take to be written before its peer is closed as too slow. */
    public int sendTimeoutSeconds() {
        return sendTimeoutSeconds;
    }

    public void setSendTimeoutSeconds(int seconds) {
        sendTimeoutSeconds = checkSeconds("SendTimeoutSeconds", seconds);
    }

    private static int checkBytes(String what, int bytes) {
        if (bytes < MIN_QUEUED_BYTES || bytes > MAX_QUEUED_BYTES_LIMIT) {
            throw new IllegalArgumentException(what + " must be between " + MIN_QUEUED_BYTES + " and "
                    + MAX_QUEUED_BYTES_LIMIT + " bytes, was " + bytes);
        }
        return bytes;
    }

    private static int checkSeconds(String what, int seconds) {
        if (seconds < 1 || seconds > MAX_SEND_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_SEND_TIMEOUT_SECONDS
                    + " seconds, was " + seconds);
        }
        return seconds;
    }

    @Override
    public String toString() {
        return "OutboxLimits[maxQueuedBytes=" + maxQueuedBytes + ", sendTimeoutSeconds=" + sendTimeoutSeconds + "]";
    }
}
