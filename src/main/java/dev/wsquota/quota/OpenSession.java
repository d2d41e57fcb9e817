package dev.wsquota.quota;

import java.io.IOException;

/** The container's own view of one open WebSocket session, for the drift check to compare with the registry. */
public interface OpenSession {

    /** The container's session id. */
    String sessionId();

    /** The manager the endpoint recorded on this session when it was admitted, or null if it never was. */
    String managerId();

    /** True once the server has started to close it (its slot, if any, was released first on purpose). */
    boolean closing();

    /** The authenticated user of the session. */
    String user();

    /** Closes the session. */
    void close(int code, String reason) throws IOException;
}
