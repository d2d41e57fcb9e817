package dev.wsquota.bench.bare;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The comparison endpoint of the benchmark: same container, same BASIC handshake auth (web.xml of the
 * bare WAR), same welcome JSON and echo as {@code /ws}, but no quota factory, no EJB, no registry.
 * Deployed only by the benchmark, as bare.war at context root /bare; never part of the product WAR. It holds its
 * open sessions by user, the least an application needs to push to a user ({@link BareFanoutServlet}).
 */
@ServerEndpoint("/ws")
public class BareEndpoint {

    private static final AtomicLong IDS = new AtomicLong();

    /** The open sessions of each user. */
    static final Map<String, Set<Session>> SESSIONS = new ConcurrentHashMap<>();

    @OnOpen
    public void onOpen(Session session) throws IOException {
        Principal principal = session.getUserPrincipal();
        if (principal == null) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        SESSIONS.computeIfAbsent(principal.getName(), u -> ConcurrentHashMap.newKeySet()).add(session);
        session.getBasicRemote().sendText(Json.createObjectBuilder()
                .add("type", "welcome")
                .add("managerId", "bare-" + Long.toString(IDS.incrementAndGet(), 36))
                .add("user", principal.getName())
                .add("active", 1)
                .add("limit", 0)
                .build().toString());
    }

    @OnMessage
    public String onMessage(String text) {
        return text;
    }

    @OnClose
    public void onClose(Session session) {
        forget(session);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        forget(session); // a bench endpoint: the connection is gone either way, nothing else to do
    }

    private static void forget(Session session) {
        Principal principal = session.getUserPrincipal();
        if (principal != null) {
            Set<Session> own = SESSIONS.get(principal.getName());
            if (own != null) {
                own.remove(session);
            }
        }
    }
}
