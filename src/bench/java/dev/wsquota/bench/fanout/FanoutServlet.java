package dev.wsquota.bench.fanout;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's in-server sender (bench only, never in the product WAR as built): pushes messages to users from
 * inside the server, so the fan-out is measured rather than an HTTP client's round trip per call. Each message
 * carries the server's {@code System.nanoTime()} at the send (the monotonic clock all JVMs of one Linux machine
 * share), so a client computes send-to-receive latency. A subclass says how one message reaches a user's sessions.
 *
 * <p>{@code GET ?op=rounds&users=N&first=F&rounds=R&rate=X&pad=B}: rounds F..F+R-1, each one message to every
 * user {@code u0000...}, a round every 1/X s (X = 0: back to back); data {@code "<nanos> <round> <user> <padding>"}.
 * {@code GET ?op=flood&ids=a,b&bytes=B&seconds=S}: messages of B bytes to those managers, round-robin, until each
 * refused one or was gone, or S seconds passed. The answer is one line of {@code key=value} counts.
 */
public abstract class FanoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Sends one message to every session of the user; returns {delivered, refused}. */
    protected abstract int[] toUser(String user, String text);

    /** Sends one message to one manager; returns {delivered, refused}, or null if no live manager has the id. */
    protected abstract int[] toManager(String id, String text);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        String op = request.getParameter("op");
        String answer;
        if ("rounds".equals(op)) {
            answer = rounds(number(request, "users", 2000), number(request, "first", 0), number(request, "rounds", 1),
                    decimal(request, "rate"), number(request, "pad", 0));
        } else if ("flood".equals(op)) {
            String ids = request.getParameter("ids");
            answer = flood(ids == null || ids.isBlank() ? List.of() : List.of(ids.split(",")),
                    number(request, "bytes", 32_768), number(request, "seconds", 60));
        } else {
            response.sendError(400, "op must be rounds or flood");
            return;
        }
        response.getWriter().print(answer);
    }

    private String rounds(int users, int first, int rounds, double rate, int pad) {
        String padding = "p".repeat(pad);
        long calls = 0;
        long delivered = 0;
        long refused = 0;
        long lateNanos = 0;
        long t0 = System.nanoTime();
        long period = rate > 0 ? (long) (1e9 / rate) : 0;
        for (int r = 0; r < rounds; r++) {
            long due = t0 + r * period;
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
            } else {
                lateNanos = Math.max(lateNanos, now - due);
            }
            for (int u = 0; u < users; u++) {
                String user = String.format("u%04d", u);
                int[] counts = toUser(user, System.nanoTime() + " " + (first + r) + " " + user + " " + padding);
                calls++;
                delivered += counts[0];
                refused += counts[1];
            }
        }
        return "calls=" + calls + " delivered=" + delivered + " refused=" + refused + " elapsedNanos="
                + (System.nanoTime() - t0) + " latestRoundStartNanos=" + lateNanos;
    }

    private String flood(List<String> ids, int bytes, int seconds) {
        String chunk = "f".repeat(bytes);
        boolean[] done = new boolean[ids.size()];
        int left = ids.size();
        long sent = 0;
        int refusedIds = 0;
        int goneIds = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
        while (left > 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < ids.size(); i++) {
                if (done[i]) {
                    continue;
                }
                int[] counts = toManager(ids.get(i), chunk);
                if (counts == null || counts[0] == 0) {
                    done[i] = true;
                    left--;
                    if (counts != null && counts[1] > 0) {
                        refusedIds++;
                    } else {
                        goneIds++;
                    }
                } else {
                    sent++;
                }
            }
            LockSupport.parkNanos(200_000); // the peers' writes get the cores between passes
        }
        return "sent=" + sent + " refusedIds=" + refusedIds + " goneIds=" + goneIds + " notDone=" + left
                + " elapsedNanos=" + (System.nanoTime() - t0);
    }

    private static int number(HttpServletRequest request, String name, int fallback) {
        String raw = request.getParameter(name);
        return raw == null || raw.isBlank() ? fallback : Integer.parseInt(raw.trim());
    }

    private static double decimal(HttpServletRequest request, String name) {
        String raw = request.getParameter(name);
        return raw == null || raw.isBlank() ? 0 : Double.parseDouble(raw.trim());
    }
}
