package dev.wsquota.web;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The endpoint's configurator. It creates each connection's endpoint instance with its no-argument constructor
 * instead of through the container's CDI and injection engine: the endpoint injects nothing, and a managed instance
 * per connection costs CPU at every handshake and heap for as long as the connection lives. It also copies the peer's
 * address ({@link PeerAddress}) into the new session's user properties.
 */
public class PlainEndpointConfigurator extends ServerEndpointConfig.Configurator {

    /**
     * On Liberty, {@code modifyHandshake} runs on the filter's thread and the map it gets is the new session's own
     * (a distinct map per connection, the same one {@code Session.getUserProperties()} returns).
     */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        config.getUserProperties().put(PeerAddress.PROPERTY, PeerAddress.current());
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return endpointClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            InstantiationException failure = new InstantiationException("cannot create " + endpointClass.getName());
            failure.initCause(e);
            throw failure;
        }
    }
}
