package dev.wsquota.web;

import dev.wsquota.quota.Connection;
import dev.wsquota.quota.ContainerView;
import dev.wsquota.quota.OpenSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;

/** Adapts a container WebSocket session to the registry's {@link Connection}, and lets the drift check ask the container. */
final class SessionConnection implements Connection, ContainerView {

    /** The user property under which the endpoint records the manager id of an admitted session. */
    static final String MANAGER_ID = "wsquota.managerId";
    /** The user property set when the server starts to close the session. */
    static final String CLOSING = "wsquota.closing";

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
        session.getUserProperties().put(CLOSING, Boolean.TRUE);
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

    @Override
    public void idleTimeout(long millis) {
        session.setMaxIdleTimeout(millis);
    }

    @Override
    public String sessionId() {
        return session.getId();
    }

    @Override
    public List<OpenSession> openSessions() {
        List<OpenSession> open = new ArrayList<>();
        for (Session each : session.getOpenSessions()) {
            open.add(new ContainerSession(each));
        }
        return open;
    }

    /** One session as the container lists it. */
    private record ContainerSession(Session session) implements OpenSession {
        @Override
        public String sessionId() {
            return session.getId();
        }

        @Override
        public String managerId() {
            Object id = session.getUserProperties().get(MANAGER_ID);
            return id == null ? null : id.toString();
        }

        @Override
        public boolean closing() {
            return Boolean.TRUE.equals(session.getUserProperties().get(CLOSING));
        }

        @Override
        public String user() {
            Principal principal = session.getUserPrincipal();
            return principal == null ? null : principal.getName();
        }

        @Override
        public void close(int code, String reason) throws IOException {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        }
    }
}
