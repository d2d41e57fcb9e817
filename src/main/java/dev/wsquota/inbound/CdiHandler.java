package dev.wsquota.inbound;

import jakarta.enterprise.inject.spi.BeanManager;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fires each event to the WAR's CDI observers, synchronously on the lane's executor thread: the lane starts the
 * manager's next event when the observers have returned. An observer that throws fails the event.
 */
public final class CdiHandler implements InboundHandler {

    private final BeanManager beans;

    public CdiHandler(BeanManager beans) {
        this.beans = beans;
    }

    @Override
    public CompletionStage<?> message(ClientMessage message) {
        return fire(ClientMessage.class, message);
    }

    @Override
    public CompletionStage<?> opened(ManagerOpened opened) {
        return fire(ManagerOpened.class, opened);
    }

    @Override
    public CompletionStage<?> closed(ManagerClosed closed) {
        return fire(ManagerClosed.class, closed);
    }

    private <T> CompletionStage<?> fire(Class<T> type, T event) {
        try {
            beans.getEvent().select(type).fire(event);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
