package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ReleaseCause;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.security.Principal;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket door at {@code /ws}: asks the factory for a manager when a connection opens, echoes
 * text while it lives, and gives the slot back on every way it can end. One instance per connection.
 *
 * <p>The admission answer may come later, from the scheduler, when the user is at quota and their
 * silent managers are being probed; until it comes the connection holds no slot and gets no echo.
 */
@ServerEndpoint("/ws")
public class ManagersEndpoint {

    private static final Logger LOG = Logger.getLogger(ManagersEndpoint.class.getName());

    @EJB
    private ManagerFactory factory;

    private volatile Manager manager;
    private volatile boolean closed;

    @OnOpen
    public void onOpen(Session session) throws IOException {
        Principal principal = session.getUserPrincipal();
        if (principal == null) {
            // The security constraint on /ws makes this unreachable; if it is ever misconfigured, fail closed.
            LOG.severe("refused a WebSocket connection without an authenticated principal: check the security constraint on /ws");
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        factory.requestAdmission(principal.getName(), new SessionConnection(session, "unknown"),
                admission -> answer(session, admission));
    }

    private void answer(Session session, Admission admission) {
        try {
            if (!admission.isAdmitted()) {
                session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, admission.rejectReason()));
                return;
            }
            manager = admission.manager();
            if (closed) {
                release(ReleaseCause.CLOSE); // the peer left while its admission was being decided
                return;
            }
            int idleTimeoutSeconds = factory.getIdleTimeoutSeconds();
            session.setMaxIdleTimeout(idleTimeoutSeconds * 1000L);
            session.getBasicRemote().sendText(Json.createObjectBuilder()
                    .add("type", "welcome")
                    .add("managerId", manager.id())
                    .add("user", manager.user())
                    .add("active", admission.active())
                    .add("limit", admission.limit())
                    .build().toString());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "could not answer a new connection (" + e + "); releasing its slot", e);
            release(ReleaseCause.ERROR);
        }
    }

    @OnMessage
    public String onMessage(String text) {
        Manager mine = manager;
        if (mine == null) {
            return null; // not admitted (yet): no echo
        }
        mine.messageIn(System.currentTimeMillis());
        mine.messageOut();
        return text;
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        Manager mine = manager;
        if (mine != null) {
            mine.touch(System.currentTimeMillis());
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        closed = true;
        release(ReleaseCause.CLOSE);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        LOG.log(Level.INFO, () -> "WebSocket error on " + (manager != null ? manager : "an unadmitted connection")
                + ": " + error);
        if (session.isOpen()) {
            // A slot is only given back for a connection that really ends.
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "internal error"));
            } catch (IOException e) {
                LOG.log(Level.INFO, "could not send the close frame after an error; releasing the slot anyway", e);
            }
        }
        release(ReleaseCause.ERROR);
    }

    private void release(ReleaseCause cause) {
        Manager mine = manager;
        if (mine == null) {
            return;
        }
        try {
            factory.release(mine, cause);
        } catch (EJBException e) {
            // Only while the application stops: the factory has released every manager in its @PreDestroy.
            LOG.log(Level.INFO, "factory unavailable while releasing " + mine + " (" + cause + "): " + e);
        }
    }
}
