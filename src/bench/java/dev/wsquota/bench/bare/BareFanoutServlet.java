package dev.wsquota.bench.bare;

import dev.wsquota.bench.fanout.FanoutServlet;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.Set;
import java.util.Map;

/**
 * The bare endpoint's sender (bench only): the same message frame as the product's, written to each of the user's
 * open sessions with the container's blocking send, one session at a time, as a minimal application would.
 */
@WebServlet("/fanout")
public class BareFanoutServlet extends FanoutServlet {

    private static final long serialVersionUID = 1L;

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    protected int[] toUser(String user, String text) {
        Set<Session> sessions = BareEndpoint.SESSIONS.get(user);
        if (sessions == null) {
            return new int[] {0, 0};
        }
        String frame = JSON.createObjectBuilder().add("type", "message").add("data", text).build().toString();
        int delivered = 0;
        int failed = 0;
        for (Session session : sessions) {
            try {
                synchronized (session) { // one writer at a time per session: the servlet may run on two threads
                    session.getBasicRemote().sendText(frame);
                }
                delivered++;
            } catch (IOException | IllegalStateException e) {
                failed++; // closing meanwhile: reported to the benchmark as refused
            }
        }
        return new int[] {delivered, failed};
    }

    @Override
    protected int[] toManager(String id, String text) {
        return null; // the bare endpoint has no manager ids: only the managed run floods single managers
    }
}
