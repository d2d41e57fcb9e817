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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adapts a container WebSocket session to the registry's {@link Connection}, and lets the drift check
 * ask the container. Liberty refuses a write while another is in progress ("write not allowed"), and
 * the echo, the welcome, a server event, a ping and a close come from different threads: every write
 * goes through one lock per connection. A ping never waits for it (a busy connection is pinged on the
 * next sweep), so one slow peer cannot stall the sweep that serves everyone.
 */
final class SessionConnection implements Connection, ContainerView {

    /** The user property under which the endpoint records the manager id of an admitted session. */
    static final String MANAGER_ID = "wsquota.managerId";
    /** The user property set when the server starts to close the session. */
    static final String CLOSING = "wsquota.closing";
    /** How long a server-side close waits for a write in progress before it closes anyway. */
    private static final long CLOSE_WAIT_MILLIS = 200;

    private static final byte[] PING_PAYLOAD = "wsquota".getBytes(StandardCharsets.US_ASCII);

    private final Session session;
    private final String remoteAddress;
    private final ReentrantLock writing = new ReentrantLock();

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
        Map<String, Object> properties = session.getUserProperties();
        if (properties != null) {
            properties.put(CLOSING, Boolean.TRUE);
        }
        boolean locked = false;
        try {
            locked = writing.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing", e);
        } finally {
            if (locked) {
                writing.unlock();
            }
        }
    }

    /** Sends a whole text message, after any write in progress on this connection. */
    @Override
    public void send(String text) throws IOException {
        writing.lock();
        try {
            session.getBasicRemote().sendText(text);
        } finally {
            writing.unlock();
        }
    }

    @Override
    public boolean ping() throws IOException {
        if (!writing.tryLock()) {
            return false; // a write is in progress: ping on the next sweep
        }
        try {
            session.getBasicRemote().sendPing(ByteBuffer.wrap(PING_PAYLOAD));
            return true;
        } finally {
            writing.unlock();
        }
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

    /** One session as the container lists it; Liberty drops a session's user properties (null) once it is closed. */
    private record ContainerSession(Session session) implements OpenSession {
        @Override
        public String sessionId() {
            return session.getId();
        }

        @Override
        public String managerId() {
            Map<String, Object> properties = session.getUserProperties();
            Object id = properties == null ? null : properties.get(MANAGER_ID);
            return id == null ? null : id.toString();
        }

        @Override
        public boolean closing() {
            Map<String, Object> properties = session.getUserProperties();
            return properties == null || Boolean.TRUE.equals(properties.get(CLOSING)) || !session.isOpen();
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
