package dev.wsquota.quota;

import java.io.IOException;
import java.util.function.Consumer;

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
     * Starts writing a whole text message and returns without waiting for the peer: {@code done} runs exactly once,
     * with null when the container has taken the message, or with the reason it could not. One such write at a time
     * per connection (the caller waits for {@code done} before the next); it goes after any write in progress.
     * The container gives up on the write after {@code timeoutMillis} (then {@code done} gets the failure and the
     * container ends the connection), where it can.
     */
    default void sendAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        try {
            send(text);
        } catch (IOException | RuntimeException e) {
            done.accept(e);
            return;
        }
        done.accept(null);
    }

    /**
     * True when the server writes a first message of its own (the welcome) before anything else: messages
     * for this connection wait until {@link Manager#welcomed()} says it went out.
     */
    default boolean welcomesFirst() {
        return false;
    }

    /**
     * Ends a connection whose peer does not read: sends the close frame if it can go out, and ends the TCP
     * connection even if the peer never reads it. The caller has released the slot already.
     */
    default void abort(int code, String reason) throws IOException {
        close(code, reason);
    }

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
