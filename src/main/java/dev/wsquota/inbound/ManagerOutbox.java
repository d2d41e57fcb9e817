package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;

import java.io.IOException;

/**
 * The one path by which inbound handling writes to a manager's client: replies and error frames. Kept to these
 * two calls so that the application's outbound delivery (a bounded per-manager queue) can take its place.
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

    /** Writes straight to the manager's connection, after any write in progress on it. */
    ManagerOutbox CONNECTION = new ManagerOutbox() {
        @Override
        public void text(Manager to, String text) throws IOException {
            to.connection().send(text);
            to.messageOut();
        }

        @Override
        public void error(Manager to, String reason) throws IOException {
            to.connection().send(errorFrame(reason));
        }
    };
}
