package dev.wsquota.quota;

import java.io.IOException;

/** What the registry needs of a live WebSocket connection, so the quota logic never touches a container type. */
public interface Connection {

    /** True while the peer can still be reached; a closed or broken session answers false. */
    boolean isOpen();

    /** Closes the connection with a WebSocket close code and a reason of at most 123 UTF-8 bytes. */
    void close(int code, String reason) throws IOException;

    /**
     * As {@link #close}, but the close frame is written before this returns, on the calling thread: at shutdown,
     * when the container is about to close the sessions itself, without the reason.
     */
    default void closeBeforeReturning(int code, String reason) throws IOException {
        close(code, reason);
    }

    /** Sends a text message to the peer, after any write in progress on this connection. */
    void send(String text) throws IOException;

    /**
     * Queues a ping; the peer's pong shows it is alive. {@code written} runs right after the frame went
     * out, so a pong timeout counts from then. Returns false if the ping could not be queued; throws if
     * the connection cannot be written to.
     */
    boolean ping(Runnable written) throws IOException;

    /** The container's id of the underlying session, or null for a connection the container does not track. */
    default String sessionId() {
        return null;
    }

    /** The peer's address as the container saw it at the handshake, or "unknown". */
    String remoteAddress();
}
