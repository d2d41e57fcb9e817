package dev.wsquota.inbound;

import java.util.concurrent.CompletionStage;

/**
 * Where the lanes hand each event: CDI observers or an HTTP backend. The lane starts a manager's next event only
 * when the returned stage completes; a stage that completes exceptionally becomes an error frame for a message
 * (its reason from a {@link HandlerFailure}, else "handler failed").
 */
public interface InboundHandler {

    CompletionStage<?> message(ClientMessage message);

    CompletionStage<?> opened(ManagerOpened opened);

    CompletionStage<?> closed(ManagerClosed closed);

    /** The application stops: after the lanes' last events, release what outlives the application otherwise. */
    default void stop() {
    }
}
