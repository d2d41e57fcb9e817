package dev.wsquota.web;

import jakarta.servlet.ServletException;

import java.io.IOException;

/**
 * Carries the peer's address from the HTTP upgrade request to the WebSocket session, which the
 * WebSocket API does not expose: the gate's filter holds it for the handshake's thread, and
 * {@link PlainEndpointConfigurator} copies it into the session's own user properties.
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

    /** The address held for this handshake's thread, or "unknown" outside a handshake the gate let through. */
    static String current() {
        String address = CURRENT.get();
        return address == null ? "unknown" : address;
    }
}
