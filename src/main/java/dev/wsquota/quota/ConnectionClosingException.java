package dev.wsquota.quota;

import java.io.IOException;

/**
 * A write refused because the connection was already closing or closed (e.g. an echo racing a close at shutdown):
 * the normal end of that connection, not a failure, so callers drop the write without a stack or an FFDC.
 */
public final class ConnectionClosingException extends IOException {

    private static final long serialVersionUID = 1L;

    public ConnectionClosingException(String message, Throwable cause) {
        super(message, cause);
    }
}
