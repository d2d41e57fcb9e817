package dev.wsquota.inbound;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Records every event as a line ("opened alice 1", "message hello", "closed ADMIN"); messages go to {@link #onMessage}.
 */
final class RecordingHandler implements InboundHandler {

    final List<String> events = new CopyOnWriteArrayList<>();
    volatile Function<ClientMessage, CompletionStage<?>> onMessage = message -> CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<?> message(ClientMessage message) {
        events.add("message " + message.text());
        return onMessage.apply(message);
    }

    @Override
    public CompletionStage<?> opened(ManagerOpened opened) {
        events.add("opened " + opened.user() + " " + opened.active());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<?> closed(ManagerClosed closed) {
        events.add("closed " + closed.cause());
        return CompletableFuture.completedFuture(null);
    }
}
