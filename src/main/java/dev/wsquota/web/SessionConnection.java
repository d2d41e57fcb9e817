package dev.wsquota.web;

import dev.wsquota.quota.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Adapts a container WebSocket session to the registry's {@link Connection}. */
final class SessionConnection implements Connection {

    private static final byte[] PING_PAYLOAD = "wsquota".getBytes(StandardCharsets.US_ASCII);

    private final Session session;
    private final String remoteAddress;

    SessionConnection(Session session, String remoteAddress) {
        this.session = session;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close(int code, String reason) throws IOException {
        session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    }

    @Override
    public void send(String text) {
        session.getAsyncRemote().sendText(text);
    }

    @Override
    public void ping() throws IOException {
        session.getAsyncRemote().sendPing(ByteBuffer.wrap(PING_PAYLOAD));
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }
}
