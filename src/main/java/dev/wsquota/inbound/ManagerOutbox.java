package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;

import java.io.IOException;

/**
 * The one path by which inbound handling writes to a manager's client: replies and error frames. In the product it
 * is the managers' outbound queues ({@link QueuedReplies}); tests write straight to a fake connection.
 */
public interface ManagerOutbox {

    /** Sends the application's text to this manager's client. */
    void text(Manager to, String text) throws IOException;

    /** Sends the error frame {@code {"type":"error","reason":...}} to this manager's client. */
    void error(Manager to, String reason) throws IOException;

    /** The error frame's text. */
    static String errorFrame(String reason) {
        return "{\"type\":\"error\",\"reason\":" + Json.string(reason) + "}";
    }
}
