package dev.wsquota.bench.bare;

import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The comparison endpoint of the benchmark: same container, same BASIC handshake auth (web.xml of the
 * bare WAR), same welcome JSON and echo as {@code /ws}, but no quota factory, no EJB, no registry.
 * Deployed only by the benchmark, as bare.war at context root /bare; never part of the product WAR.
 */
@ServerEndpoint("/ws")
public class BareEndpoint {

    private static final AtomicLong IDS = new AtomicLong();

    @OnOpen
    public void onOpen(Session session) throws IOException {
        Principal principal = session.getUserPrincipal();
        if (principal == null) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
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
}
