package dev.wsquota.web;

import dev.wsquota.quota.Connection;
import dev.wsquota.quota.ConnectionClosingException;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ContainerView;
import dev.wsquota.quota.OpenSession;
import dev.wsquota.util.WeakLogger;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Adapts a container WebSocket session to the registry's {@link Connection}, and lets the drift check
 * ask the container. Liberty refuses a write while another is in progress ("write not allowed"), and
 * the echo, the welcome, a server event, a ping and a close come from different threads: every write
 * goes through the connection's {@link WriteLane}, one at a time. Pings run on the managed executor and server-side
 * closes on a {@link CloseLane} over it, never on the caller's thread: Liberty's ping and close block while an earlier
 * write to a slow peer is pending, and the caller is the sweep or cleanup timer that serves every other
 * connection (a blocked timer would hold its bean's lock and stall everything queued behind a waiting writer).
 *
 * <p>No executor thread waits for a write to end: Liberty runs the completion of an asynchronous write on the same
 * pool as the managed executor, so a ping or message parked there for the write in progress can hold the very thread
 * that completion needs. A ping or message that finds a write in progress is queued in the lane and started by the
 * write that ends before it; only a basic write (welcome, echo) and a close wait on their own thread, bounded.
 * At most one ping and one close per connection are queued at a time.
 */
final class SessionConnection implements Connection, ContainerView {

    /** The user property under which the endpoint records the manager of an admitted session. */
    static final String MANAGER_ID = "wsquota.managerId";
    /** The user property set when the server starts to close the session. */
    static final String CLOSING = "wsquota.closing";
    /** How long a server-side close waits for a write in progress before it closes anyway. */
    private static final long CLOSE_WAIT_MILLIS = 200;
    /** How long a basic write (welcome, echo) waits for a write in progress before it fails. */
    static final long BASIC_WAIT_MILLIS = 10_000;
    private static final int PING_QUEUED = 1;
    private static final int CLOSE_QUEUED = 2;
    private static final AtomicIntegerFieldUpdater<SessionConnection> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(SessionConnection.class, "queued");

    private static final byte[] PING_PAYLOAD = "wsquota".getBytes(StandardCharsets.US_ASCII);

    private static final Logger LOG = WeakLogger.of(SessionConnection.class);

    private final Session session;
    private final String remoteAddress;
    private final Executor io;
    private final Executor closes;
    final WriteLane lane = new WriteLane(); // package-private: tests look at it
    private final long basicWaitMillis;
    /** Bits: a ping queued and not yet done; a close asked for (never cleared: a session is closed once). */
    private volatile int queued;
    /**
     * The session's asynchronous remote, fetched on the first message: Liberty's {@code getAsyncRemote} locks the
     * session and makes a new wrapper on every call. Read and written only by the writer holding the lane.
     */
    private RemoteEndpoint.Async asyncRemote;

    /**
     * {@code closes} runs server-side closes (a {@link CloseLane} over {@code io} in the container), {@code io} pings.
     */
    SessionConnection(Session session, String remoteAddress, Executor io, Executor closes) {
        this(session, remoteAddress, io, closes, BASIC_WAIT_MILLIS);
    }

    /** As above, with the bound of a basic write's wait for a write in progress (tests shorten it). */
    SessionConnection(Session session, String remoteAddress, Executor io, Executor closes, long basicWaitMillis) {
        this.basicWaitMillis = basicWaitMillis;
        this.session = session;
        this.remoteAddress = remoteAddress;
        this.io = io;
        this.closes = closes;
    }

    Session session() {
        return session;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    /**
     * Marks the session as closing at once and sends the close frame on the close lane, or on this thread
     * when the executor refuses: Liberty shuts the managed executor down before the application's
     * {@code @PreDestroy}, and a dropped close would leave the client with 1006 instead of the reason. A close
     * while another is queued does nothing: the first one's code is what the peer gets.
     */
    @Override
    public void close(int code, String reason) {
        markClosing();
        if (!mark(CLOSE_QUEUED)) {
            return;
        }
        if (!runOn(closes, () -> closeNow(code, reason))) {
            closeNow(code, reason);
        }
    }

    /** Sets the bit; false if it was set already (that work is queued). */
    private boolean mark(int bit) {
        int now;
        do {
            now = queued;
            if ((now & bit) != 0) {
                return false;
            }
        } while (!QUEUED.compareAndSet(this, now, now | bit));
        return true;
    }

    private void unmark(int bit) {
        int now;
        do {
            now = queued;
        } while (!QUEUED.compareAndSet(this, now, now & ~bit));
    }

    @Override
    public void closeBeforeReturning(int code, String reason) {
        markClosing();
        closeNow(code, reason);
    }

    /** Marks the session as closing at once, so writes racing the close count as its normal end. */
    private void markClosing() {
        Map<String, Object> properties = session.getUserProperties();
        if (properties != null) {
            properties.put(CLOSING, Boolean.TRUE);
        }
    }

    /** Runs on the close lane's own threads (or the stopping application's), never on the managed executor. */
    private void closeNow(int code, String reason) {
        boolean mine = false;
        boolean interrupted = false;
        try {
            mine = lane.awaitTurn(TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS));
        } catch (InterruptedException e) {
            interrupted = true; // the container is stopping this thread; the peer still gets its close frame
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            // The slot was released before the close; a peer we cannot tell is gone or going anyway.
            LOG.log(Level.FINE, "close " + code + " of session " + session.getId() + " failed", e);
        } finally {
            if (mine) {
                lane.finished();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends a whole text message, after any write in progress on this connection, waiting for it at most
     * {@value #BASIC_WAIT_MILLIS} ms. A write refused because the session is closing or closed (Liberty: "write not
     * allowed") is a {@link ConnectionClosingException}.
     */
    @Override
    public void send(String text) throws IOException {
        boolean mine;
        try {
            mine = lane.awaitTurn(TimeUnit.MILLISECONDS.toNanos(basicWaitMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("session " + session.getId() + ": interrupted waiting to write");
        }
        if (!mine) {
            if (closing()) {
                throw new ConnectionClosingException("session " + session.getId() + " is closing", null);
            }
            throw new IOException("session " + session.getId() + ": a write has been in progress for more than "
                    + basicWaitMillis + " ms");
        }
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException | IllegalStateException e) {
            if (closing()) {
                throw new ConnectionClosingException("session " + session.getId() + " is closing", e);
            }
            throw e;
        } finally {
            lane.finished();
        }
    }

    /**
     * Starts an asynchronous write of the text and returns: on this thread when no other write is in progress, else
     * from the end of the write before it (a welcome, echo, ping or close waiting goes first). The lane stays taken
     * until the container calls back, so nothing else overlaps it; {@code done} runs after the next write started.
     */
    @Override
    public void sendAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        lane.message(() -> startAsync(text, timeoutMillis, done));
    }

    /**
     * Liberty ends the TCP connection when an asynchronous write times out; its close alone does not while a write
     * to a peer that does not read is pending (the connection stayed established for minutes).
     */
    private void startAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        try {
            RemoteEndpoint.Async remote = asyncRemote;
            if (remote == null) {
                remote = session.getAsyncRemote();
                asyncRemote = remote;
            }
            if (remote.getSendTimeout() != timeoutMillis) {
                remote.setSendTimeout(timeoutMillis);
            }
            remote.sendText(text, result -> {
                lane.finished();
                done.accept(result.isOK() ? null : result.getException());
            });
        } catch (RuntimeException e) {
            lane.finished();
            done.accept(e);
        }
    }

    /** The endpoint writes the welcome before the application's messages (see {@link Manager#welcomed()}). */
    @Override
    public boolean welcomesFirst() {
        return true;
    }

    /**
     * Closes a connection whose peer does not read. The close does not wait for the write in flight beyond its
     * bound; it runs on the close lane like every server-side close.
     */
    @Override
    public void abort(int code, String reason) {
        close(code, reason);
    }

    /** True once the server started to close the session or the session is no longer open. */
    boolean closing() {
        Map<String, Object> properties = session.getUserProperties();
        return properties == null || Boolean.TRUE.equals(properties.get(CLOSING)) || !session.isOpen();
    }

    /**
     * Queues the ping: it goes to the executor once no other write is in progress. False if it cannot be queued,
     * which includes while an earlier ping is still queued: that one's pong may already have been counted, so the
     * caller must not wait for another (the sweep counts it and tries again next time). A ping behind a write that
     * does not end is not written; the sweep judges it by its deadline from the queueing.
     */
    @Override
    public boolean ping(Runnable written) {
        if (!mark(PING_QUEUED)) {
            return false;
        }
        boolean[] refused = {false};
        lane.urgent(() -> {
            if (!runOn(io, () -> pingNow(written))) {
                refused[0] = true; // the application is stopping
                unmark(PING_QUEUED);
                lane.finished();
            }
        });
        return !refused[0];
    }

    private void pingNow(Runnable written) {
        try {
            session.getBasicRemote().sendPing(ByteBuffer.wrap(PING_PAYLOAD));
            written.run();
        } catch (IOException | RuntimeException e) {
            // A broken connection: the container reports it through onError/onClose, or the pong timeout does.
            LOG.log(Level.FINE, "ping to session " + session.getId() + " failed", e);
        } finally {
            unmark(PING_QUEUED);
            lane.finished();
        }
    }

    /**
     * Queues the write on the executor; false if the executor refuses it, which it does only while the application
     * stops.
     */
    private static boolean runOn(Executor executor, Runnable write) {
        try {
            executor.execute(write);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
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
            return id instanceof Manager manager ? manager.id() : id == null ? null : id.toString();
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
