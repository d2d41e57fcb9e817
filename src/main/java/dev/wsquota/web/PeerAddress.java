package dev.wsquota.web;

import jakarta.servlet.ServletException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;

/**
 * Carries the peer's address from the HTTP upgrade request to the WebSocket session, which the
 * WebSocket API does not expose: the gate's filter holds it for the handshake's thread, and the endpoint's
 * configurator copies it into the session's own user properties.
 */
public final class PeerAddress {

    /** The user property holding "address:port" of the peer. */
    static final String PROPERTY = "wsquota.remoteAddress";

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private PeerAddress() {
    }

    /** What the gate's filter runs with the address held: the rest of the filter chain, i.e. the upgrade. */
    @FunctionalInterface
    interface Upgrade {
        void run() throws IOException, ServletException;
    }

    /** Holds {@code address} ("address:port" of the peer) for the duration of the handshake. */
    static void during(String address, Upgrade upgrade) throws IOException, ServletException {
        CURRENT.set(address);
        try {
            upgrade.run();
        } finally {
            CURRENT.remove();
        }
    }

    /**
     * Copies the held address into the new connection's user properties during the handshake. On
     * Liberty, {@code modifyHandshake} runs on the filter's thread and the map it gets is the new
     * session's own (seen: a distinct map per connection, the same one {@code Session.getUserProperties()} returns).
     */
    public static class Configurator extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            String address = CURRENT.get();
            config.getUserProperties().put(PROPERTY, address == null ? "unknown" : address);
        }
    }
}
