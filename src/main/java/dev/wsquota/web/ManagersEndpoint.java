package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.guard.InboundGuard;
import dev.wsquota.inbound.InboundLanes;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.ConnectionClosingException;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.UserIds;
import dev.wsquota.util.WeakLogger;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket door at {@code /ws}: asks the factory for a manager when a connection opens, echoes
 * text while it lives (or hands it to the application: see {@link InboundRuntime}), and gives the slot back on
 * every way it can end. One instance per connection.
 *
 * <p>The admission answer may come later, from the scheduler, when the user is at quota and their
 * silent managers are being probed; until it comes the connection holds no slot and gets no echo.
 *
 * <p>Only open, close and error are annotated; text, pong and binary frames reach message handlers that
 * {@link #onOpen} adds: Liberty keeps a per-session copy of every annotated method's data, while a message handler
 * costs a few bytes (docs/performance.md).
 */
@ServerEndpoint(value = "/ws", configurator = PlainEndpointConfigurator.class)
public class ManagersEndpoint implements MessageHandler.Partial<String> {

    private static final Logger LOG = WeakLogger.of(ManagersEndpoint.class);
    /** One factory for all welcomes: {@code Json.createObjectBuilder()} looks the provider up on every call. */
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
    /** How many server-side closes run at once while they finish in time (see {@link CloseLane}). */
    private static final int CLOSE_WIDTH = 4;
    /** How many closes may run at once while closes to peers that do not read hold the first ones. */
    private static final int CLOSE_CEILING = 64;

    /**
     * Where a connection is in its life. Only these moves happen: OPENING to WAITING when {@link #onOpen} returns
     * before the admission is decided, OPENING or WAITING to ADMITTED with the admission, ADMITTED to REFUSING when
     * the inbound guard closes it, and any phase to CLOSED in {@link #onClose}.
     */
    private enum Phase {
        /** {@link #onOpen} is running and the admission is not decided: a refusal may close on this thread. */
        OPENING,
        /** {@link #onOpen} returned; the admission comes later, from the scheduler, after a probe. */
        WAITING,
        /** Holds a slot: messages are echoed or handed on. */
        ADMITTED,
        /** The inbound guard is closing it: nothing more is read; the slot comes back in {@link #onClose}. */
        REFUSING,
        /** The container closed it. */
        CLOSED
    }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.OPENING);
    /**
     * Set before the phase becomes ADMITTED: {@link #onClose}, which sets CLOSED, then either finds it or has made
     * the admission's move to ADMITTED fail, and the admission gives the slot back itself.
     */
    private volatile Manager manager;
    /** Every write to the peer goes through it, one at a time (see {@link SessionConnection}). */
    private SessionConnection connection;

    /** This connection's inbound limits (assembled size, rate, text only); see {@link InboundGuard}. */
    private InboundGuard guard;
    private GuardRuntime.State guards;
    /** Where client messages go instead of the echo (CDI or forward mode); null in echo mode. */
    private InboundLanes inbound;
    /** This manager's lane in {@link #inbound}, set before {@link #manager}. */
    private volatile InboundLanes.Lane lane;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        try {
            open(session, config);
        } catch (IOException e) {
            // Only the refusing closes in open() throw: the connection holds no slot.
            LOG.log(Level.INFO, "could not send the close frame to a refused connection", e);
        }
    }

    private void open(Session session, EndpointConfig config) throws IOException {
        // Text fragment by fragment (this object), pongs, binary (refused with 1003).
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this);
        // Classes that name their message type, added without one: Undertow cannot add a pong handler by class.
        session.addMessageHandler(new MessageHandler.Whole<PongMessage>() {
            @Override
            public void onMessage(PongMessage pong) {
                onPong();
            }
        });
        session.addMessageHandler(new MessageHandler.Partial<ByteBuffer>() {
            @Override
            public void onMessage(ByteBuffer fragment, boolean last) {
                onBinary();
            }
        });
        guards = GuardRuntime.current();
        inbound = InboundRuntime.current().lanes().orElse(null);
        guard = guards.settings().newGuard(System::nanoTime);
        Principal principal = session.getUserPrincipal();
        if (principal == null) {
            // The security constraint on /ws makes this unreachable; if it is ever misconfigured, fail closed.
            LOG.severe(
                    "refused a WebSocket connection without an authenticated principal: check the security "
                    + "constraint on /ws");
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        try {
            UserIds.check(principal.getName());
        } catch (IllegalArgumentException e) {
            guards.statistics().count(GuardStatistics.Refused.USER_ID);
            guards.gate().refusedAfterUpgrade(principal.getName());
            LOG.warning(() -> "refused a WebSocket connection: principal " + LogSafe.user(principal.getName())
                    + " is not a usable user id (" + e.getMessage() + ")");
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "user id not accepted"));
            return;
        }
        // Taken out of the session's properties: the connection keeps it, nothing else reads it.
        Object address = config.getUserProperties().remove(PeerAddress.PROPERTY);
        Services services = Services.get();
        connection = new SessionConnection(session, address == null ? "unknown" : address.toString(), services.io(),
                services.closes());
        services.factory().requestAdmission(principal.getName(), connection, admission -> answer(session, admission));
        phase.compareAndSet(Phase.OPENING, Phase.WAITING);
    }

    /**
     * What every connection needs from the container, looked up once per application: the endpoint instance is
     * created without injection (see {@link PlainEndpointConfigurator}). Admission goes through the factory's
     * business proxy (the EJB container and its locks); release is the registry's own, fetched from the factory
     * together with it (see {@link ManagerFactory#releaser()}).
     *
     * @param factory the factory's business proxy, for admission
     * @param release gives a manager's slot back, without the container
     * @param io      runs pings and sends off the timer threads (see {@link SessionConnection})
     * @param closes  server-side closes, on threads of their own, never on {@code io}, whose threads complete the
     *                read cancels that each of Liberty's closes waits for (see {@link CloseLane})
     * @param closeThreads the close lane's threads, from the container's managed thread factory
     */
    private record Services(ManagerFactory factory, BiPredicate<Manager, ReleaseCause> release,
                            ManagedExecutorService io, CloseLane closes, ThreadPoolExecutor closeThreads) {

        private static volatile Services current;

        static Services get() {
            Services found = current;
            if (found == null) {
                synchronized (Services.class) {
                    found = current;
                    if (found == null) {
                        found = lookUp();
                        current = found;
                    }
                }
            }
            return found;
        }

        /** The services if a connection ever looked them up, else null. */
        static Services ifLookedUp() {
            return current;
        }

        private static Services lookUp() {
            ManagerFactory factory = lookUp("java:module/ManagerFactory", "the ManagerFactory EJB is missing");
            ManagedExecutorService io = lookUp("java:comp/DefaultManagedExecutorService",
                    "the default managed executor is missing: is concurrent-3.0 enabled?");
            ThreadPoolExecutor closeThreads = newCloseThreads();
            return new Services(factory, factory.releaser(), io,
                    new CloseLane(closeThreads, CLOSE_WIDTH, CLOSE_CEILING), closeThreads);
        }

        private static <T> T lookUp(String name, String missing) {
            try {
                return InitialContext.doLookup(name);
            } catch (NamingException e) {
                throw new IllegalStateException(missing + " (" + name + ")", e);
            }
        }

        /**
         * At most {@value #CLOSE_CEILING} threads, since the lane never runs more closes at once; idle ones end after
         * 30 s. Threads apart from the shared executor: closes blocked there would take the threads that the read
         * cancels they wait for need (docs/design.md, "Server-side closes run four at a time").
         */
        private static ThreadPoolExecutor newCloseThreads() {
            ManagedThreadFactory threads = lookUp("java:comp/DefaultManagedThreadFactory",
                    "the default managed thread factory is missing: is concurrent-3.0 enabled?");
            ThreadPoolExecutor pool = new ThreadPoolExecutor(CLOSE_CEILING, CLOSE_CEILING, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), threads);
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    /** Lets the queued closes run out and the close threads end; the application is stopping. */
    static void stopCloses() {
        Services services = Services.ifLookedUp();
        if (services != null) {
            services.closeThreads().shutdown();
        }
    }

    private void answer(Session session, Admission admission) {
        try {
            if (!admission.isAdmitted()) {
                // Only a refused attempt spends the user's handshake budget: healthy churn is never throttled.
                guards.gate().refusedAfterUpgrade(admission.user());
                if (phase.get() != Phase.OPENING) {
                    // Decided later, on the scheduler: Liberty's close from outside the open or read callback waits
                    // until it has cancelled the pending read, so the close goes to the executor, not this thread.
                    connection.close(CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), admission.rejectReason());
                } else {
                    session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, admission.rejectReason()));
                }
                return;
            }
            if (inbound != null) {
                // Before the manager is visible to the read thread: messages sent ahead of the welcome wait in it.
                lane = inbound.open(admission.manager());
            }
            manager = admission.manager();
            boolean admitted = phase.compareAndSet(Phase.OPENING, Phase.ADMITTED)
                    || phase.compareAndSet(Phase.WAITING, Phase.ADMITTED);
            Map<String, Object> properties = session.getUserProperties();
            if (!admitted || properties == null) {
                // The peer left while its admission was being decided (Liberty drops a closed session's properties).
                release(ReleaseCause.CLOSE);
                return;
            }
            // The manager itself, not its id text: the drift check asks it for the id only when it looks.
            properties.put(SessionConnection.MANAGER_ID, manager);
            connection.send(JSON.createObjectBuilder()
                    .add("type", "welcome")
                    .add("managerId", manager.id())
                    .add("user", manager.user())
                    .add("active", admission.active())
                    .add("limit", admission.limit())
                    .build().toString());
            manager.welcomed(); // the application's messages may follow it now
            if (lane != null) {
                lane.start(admission.active()); // after the welcome, so an opened observer's reply comes after it
            }
        } catch (ConnectionClosingException closing) {
            // Closed while its welcome was being written (e.g. at shutdown): its normal end.
            LOG.log(Level.FINE, () -> "welcome to " + manager + " dropped: " + closing.getMessage());
            release(ReleaseCause.CLOSE);
        } catch (IOException e) {
            // Typically a peer that gave up on its handshake before the welcome came (broken pipe): no stack needed.
            LOG.info(() -> "could not send the welcome to " + manager + " (" + e + "); releasing its slot");
            release(ReleaseCause.ERROR);
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "could not answer a new connection (" + e + "); releasing its slot", e);
            release(ReleaseCause.ERROR);
        }
    }

    /**
     * Text arrives fragment by fragment (one call per frame) so the size limit holds for the assembled
     * message. Liberty checks no per-frame size for partial handlers (neither {@code @OnMessage(maxMessageSize)} nor
     * the session's buffer
     * sizes), so one huge frame is buffered whole before the guard can refuse it with 1009.
     */
    @Override
    public void onMessage(String fragment, boolean last) {
        if (phase.get() != Phase.ADMITTED) {
            return; // not admitted (yet), or already closing: no echo
        }
        Manager mine = manager;
        InboundGuard.Step step = guard.onText(fragment, last);
        if (step instanceof InboundGuard.Message message) {
            mine.messageIn(System.currentTimeMillis());
            InboundLanes.Lane mineLane = lane;
            if (mineLane != null) {
                // to the application instead of the echo; over its bound, an error frame
                mineLane.message(message.text());
                return;
            }
            try {
                connection.send(message.text());
            } catch (ConnectionClosingException closing) {
                // An echo racing the close of its connection (e.g. at shutdown): that connection's normal end.
                LOG.log(Level.FINE, () -> "echo to " + mine + " dropped: " + closing.getMessage());
                return;
            } catch (IOException e) {
                failed(connection.session(), e, true); // the connection may still read: tell the peer
                return;
            }
            mine.messageOut();
        } else if (step instanceof InboundGuard.Refusal refusal) {
            refuse(refusal);
        }
    }

    /** wsquota speaks text only: any binary message closes the connection with 1003. */
    private void onBinary() {
        if (phase.get() == Phase.ADMITTED) {
            refuse(guard.onBinary());
        }
    }

    /** Any pong shows the peer is alive (the sweep's pings, or unsolicited ones). */
    private void onPong() {
        Manager mine = manager;
        if (mine != null) {
            mine.touch(System.currentTimeMillis());
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        Phase before = phase.getAndSet(Phase.CLOSED);
        int code = reason == null ? 0 : reason.getCloseCode().getCode();
        if (before != Phase.REFUSING && guards != null && (code == 1002 || code == 1007 || code == 1009)) {
            // Closed for a protocol error by the container (invalid UTF-8, bad frame, frame over its buffer) or the
            // peer.
            guards.statistics().count(GuardStatistics.Refused.PROTOCOL);
            LOG.info(() -> "WebSocket of " + (manager != null ? manager : "an unadmitted connection") + " closed with "
                    + code + ": " + reason.getReasonPhrase());
        }
        release(ReleaseCause.CLOSE);
    }

    /** Closes only this connection, with the guard's code and reason; the slot comes back in {@link #onClose}. */
    private void refuse(InboundGuard.Refusal refusal) {
        if (!phase.compareAndSet(Phase.ADMITTED, Phase.REFUSING)) {
            return; // already closing
        }
        guards.statistics().count(switch (refusal.code()) {
            case InboundGuard.MESSAGE_TOO_BIG -> GuardStatistics.Refused.MESSAGE_TOO_BIG;
            case InboundGuard.UNSUPPORTED_DATA -> GuardStatistics.Refused.BINARY;
            default -> GuardStatistics.Refused.RATE;
        });
        LOG.info(() -> "closing " + manager + " with " + refusal.code() + ": " + refusal.reason());
        connection.close(refusal.code(), refusal.reason()); // sent on the executor; the slot comes back in onClose
    }

    /**
     * An I/O error reported by the container is a broken connection, and the container closes it itself (Liberty's
     * read-error path closes with 1011 right after this callback): a close frame from here could not reach the peer,
     * and Liberty's close from this thread would first wait for the failed read to time out. Any other error leaves
     * the connection open, so it is closed here.
     */
    @OnError
    public void onError(Session session, Throwable error) {
        failed(session, error, !(error instanceof IOException));
    }

    private void failed(Session session, Throwable error, boolean close) {
        LOG.log(Level.INFO, () -> "WebSocket error on " + (manager != null ? manager : "an unadmitted connection")
                + ": " + error);
        if (close && session.isOpen()) {
            // A slot is only given back for a connection that really ends.
            if (connection != null) {
                connection.close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "internal error");
            } else {
                try {
                    session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "internal error"));
                } catch (IOException e) {
                    LOG.log(Level.INFO, "could not send the close frame after an error; releasing the slot anyway", e);
                }
            }
        }
        release(ReleaseCause.ERROR);
    }

    private void release(ReleaseCause cause) {
        Manager mine = manager;
        if (mine == null) {
            return;
        }
        // Looked up with the factory that admitted it. Idempotent, and harmless after the factory's @PreDestroy
        // released everyone.
        try {
            Services.get().release().test(mine, cause);
        } catch (RuntimeException e) {
            // The registry's own state never throws here; a failing cluster ledger is logged by the ledger itself.
            LOG.log(Level.WARNING, "could not release " + mine + " (" + cause + "); cleanup or its lease reclaims it",
                    e);
        }
    }
}
