package dev.wsquota.web;

import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Creates each connection's endpoint instance with its no-argument constructor instead of through the
 * container's CDI and injection engine: the endpoint injects nothing, and a managed instance per
 * connection costs CPU at every handshake and heap for as long as the connection lives. Keeps the
 * peer-address copy of {@link PeerAddress.Configurator}.
 */
public class PlainEndpoint extends PeerAddress.Configurator {

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
