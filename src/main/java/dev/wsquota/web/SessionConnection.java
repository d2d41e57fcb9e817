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
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Adapts a container WebSocket session to the registry's {@link Connection}, and lets the drift check
 * ask the container. Liberty refuses a write while another is in progress ("write not allowed"), and
 * the echo, the welcome, a server event, a ping and a close come from different threads: every write
 * goes through one lock per connection. Pings run on the managed executor and server-side closes on a
 * {@link CloseLane} over it, never on the caller's thread: Liberty's ping and close block while an earlier
 * write to a slow peer is pending, and the caller is the sweep or cleanup timer that serves every other
 * connection (a blocked timer would hold its bean's lock and stall everything queued behind a waiting writer).
 *
 * <p>The write lock is this object itself (a non-reentrant mutex on {@link AbstractQueuedSynchronizer}):
 * one object per connection instead of three (a ReentrantLock and its Sync besides this one).
 *
 * <p>At most one ping and one close per connection are queued at a time, and a ping waits for the write lock
 * only {@value #PING_WAIT_MILLIS} ms: a peer that does not read must cost one blocked executor thread at most,
 * not one per sweep or per probe (its pong deadline reclaims it either way).
 */
final class SessionConnection extends AbstractQueuedSynchronizer implements Connection, ContainerView {

    /** The user property under which the endpoint records the manager of an admitted session. */
    static final String MANAGER_ID = "wsquota.managerId";
    /** The user property set when the server starts to close the session. */
    static final String CLOSING = "wsquota.closing";
    /** How long a server-side close waits for a write in progress before it closes anyway. */
    private static final long CLOSE_WAIT_MILLIS = 200;
    /** How long a ping waits for a write in progress before it is skipped. */
    static final long PING_WAIT_MILLIS = 1_000;
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
    /** Bits: a ping queued and not yet done; a close asked for (never cleared: a session is closed once). */
    private volatile int queued;

    SessionConnection(Session session, String remoteAddress, Executor io) {
        this(session, remoteAddress, io, io);
    }

    /**
     * {@code closes} runs server-side closes (a {@link CloseLane} over {@code io} in the container), {@code io} pings.
     */
    SessionConnection(Session session, String remoteAddress, Executor io, Executor closes) {
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

    private void closeNow(int code, String reason) {
        boolean locked = false;
        boolean interrupted = false;
        try {
            locked = tryAcquireNanos(1, TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS));
        } catch (InterruptedException e) {
            interrupted = true; // the container is stopping this thread; the peer still gets its close frame
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            // The slot was released before the close; a peer we cannot tell is gone or going anyway.
            LOG.log(Level.FINE, "close " + code + " of session " + session.getId() + " failed", e);
        } finally {
            if (locked) {
                release(1);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends a whole text message, after any write in progress on this connection. A write refused because the
     * session is closing or closed (Liberty: "write not allowed") is a {@link ConnectionClosingException}.
     */
    @Override
    public void send(String text) throws IOException {
        acquire(1);
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException | IllegalStateException e) {
            if (closing()) {
                throw new ConnectionClosingException("session " + session.getId() + " is closing", e);
            }
            throw e;
        } finally {
            release(1);
        }
    }

    /**
     * Starts an asynchronous write of the text and returns: on this thread when no other write is in progress,
     * else on the executor once that one ends. The write lock is held until the container calls back, so a
     * basic write (welcome, echo), a ping or a close never overlaps it; {@code done} runs after the lock is free.
     */
    @Override
    public void sendAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        // A welcome, echo, ping or close waiting for the lock goes first: a stream of messages must not starve it.
        if (!hasQueuedThreads() && tryAcquire(1)) {
            startAsync(text, timeoutMillis, done);
        } else if (!runOn(io, () -> sendAsyncAfterWrite(text, timeoutMillis, done))) {
            done.accept(new ConnectionClosingException("session " + session.getId() + ": the application is stopping",
                    null));
        }
    }

    /** Waits for the write in progress in slices, and gives up once the session is closing (a slow peer's end). */
    private void sendAsyncAfterWrite(String text, long timeoutMillis, Consumer<Throwable> done) {
        try {
            while (!tryAcquireNanos(1, TimeUnit.MILLISECONDS.toNanos(PING_WAIT_MILLIS))) {
                if (closing()) {
                    done.accept(new ConnectionClosingException("session " + session.getId() + " is closing", null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.accept(e);
            return;
        }
        startAsync(text, timeoutMillis, done);
    }

    /**
     * Liberty ends the TCP connection when an asynchronous write times out; its close alone does not while a write
     * to a peer that does not read is pending (the connection stayed established for minutes).
     */
    private void startAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        try {
            RemoteEndpoint.Async remote = session.getAsyncRemote();
            if (remote.getSendTimeout() != timeoutMillis) {
                remote.setSendTimeout(timeoutMillis);
            }
            remote.sendText(text, result -> {
                release(1);
                done.accept(result.isOK() ? null : result.getException());
            });
        } catch (RuntimeException e) {
            release(1);
            done.accept(e);
        }
    }

    /** The endpoint writes the welcome before the application's messages (see {@link Manager#welcomed()}). */
    @Override
    public boolean welcomesFirst() {
        return true;
    }

    /**
     * Closes a connection whose peer does not read. The write in flight holds the write lock, so the close does not
     * wait for it; it runs on the close lane like every server-side close.
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
     * Queues the ping on the executor; it is written after any write in progress. False if it cannot be queued,
     * which includes while an earlier ping is still queued: that one's pong may already have been counted, so the
     * caller must not wait for another (the sweep counts it and tries again next time).
     */
    @Override
    public boolean ping(Runnable written) {
        if (!mark(PING_QUEUED)) {
            return false;
        }
        if (runOn(io, () -> pingNow(written))) {
            return true;
        }
        unmark(PING_QUEUED);
        return false;
    }

    private void pingNow(Runnable written) {
        boolean locked = false;
        try {
            locked = tryAcquireNanos(1, TimeUnit.MILLISECONDS.toNanos(PING_WAIT_MILLIS));
            if (!locked) {
                // A write to this peer has been stuck for a second: no pong can come back sooner than it ends.
                // Unwritten, the ping is judged by the sweep's deadline from its queueing; a probe leaves it alone.
                LOG.fine(() -> "ping to session " + session.getId() + " skipped: a write has been in progress for "
                        + PING_WAIT_MILLIS + " ms");
                return;
            }
            session.getBasicRemote().sendPing(ByteBuffer.wrap(PING_PAYLOAD));
            written.run();
        } catch (IOException | RuntimeException e) {
            // A broken connection: the container reports it through onError/onClose, or the pong timeout does.
            LOG.log(Level.FINE, "ping to session " + session.getId() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (locked) {
                release(1);
            }
            unmark(PING_QUEUED);
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
    protected boolean tryAcquire(int ignored) {
        return compareAndSetState(0, 1);
    }

    @Override
    protected boolean tryRelease(int ignored) {
        setState(0);
        return true;
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
