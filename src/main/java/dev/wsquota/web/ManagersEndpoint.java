package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.LogSafe;
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
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.security.Principal;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket door at {@code /ws}: asks the factory for a manager when a connection opens, echoes
 * text while it lives, and gives the slot back on every way it can end. One instance per connection.
 */
@ServerEndpoint("/ws")
public class ManagersEndpoint {

    private static final Logger LOG = Logger.getLogger(ManagersEndpoint.class.getName());

    @EJB
    private ManagerFactory factory;

    private Manager manager;

    @OnOpen
    public void onOpen(Session session) throws IOException {
        Principal principal = session.getUserPrincipal();
        if (principal == null) {
            // The security constraint on /ws makes this unreachable; if it is ever misconfigured, fail closed.
            LOG.severe("refused a WebSocket connection without an authenticated principal: check the security constraint on /ws");
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        Admission admission = factory.admit(principal.getName(), new SessionConnection(session, "unknown"));
        if (!admission.isAdmitted()) {
            session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, admission.rejectReason()));
            return;
        }
        manager = admission.manager();
        session.getBasicRemote().sendText(Json.createObjectBuilder()
                .add("type", "welcome")
                .add("managerId", manager.id())
                .add("user", manager.user())
                .add("active", admission.active())
                .add("limit", admission.limit())
                .build().toString());
    }

    @OnMessage
    public String onMessage(String text) {
        if (manager == null) {
            return null; // a refused connection is already closing; it gets no echo
        }
        manager.messageIn(System.currentTimeMillis());
        manager.messageOut();
        return text;
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
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
        if (manager == null) {
            return;
        }
        try {
            factory.release(manager, cause);
        } catch (EJBException e) {
            // Only while the application stops: the factory has released every manager in its @PreDestroy.
            LOG.log(Level.INFO, "factory unavailable while releasing " + manager + " of "
                    + LogSafe.user(manager.user()) + " (" + cause + "): " + e);
        }
    }
}
