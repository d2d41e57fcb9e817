package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.OriginPolicy;
import dev.wsquota.jmx.ManagerFactoryRegistration;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.quota.Drain;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.Settings;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /admin/drain[?seconds=N][&wait=true]}: starts draining this node, for a Kubernetes {@code preStop}
 * hook or a script before {@code server stop} (docs/operations.md). Only the {@code wsquota-admin} role may call it
 * (web.xml). It runs the MXBean's own {@code drain} operation on this application's instance, so the call is
 * validated and audited with its caller exactly as from JConsole. Without {@code wait} it answers 202 once the
 * drain has started; with {@code wait=true} it answers 200 once every manager is closed and answered, holding no
 * thread meanwhile. A request from a page of another origin is refused (403): a browser holding an operator's
 * BASIC credentials would otherwise let any site it visits drain the node with a plain form post.
 */
@WebServlet(urlPatterns = "/admin/drain", asyncSupported = true)
public class DrainServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = WeakLogger.of(DrainServlet.class);
    /** How much longer than the drain's window a waiting call may take before it is answered 504. */
    static final long WAIT_MARGIN_MILLIS = 30_000;
    /** Scripts and hooks send no Origin; a browser page may call only from this server's own host. */
    private static final OriginPolicy SAME_HOST = OriginPolicy.parse("");

    @EJB
    private ManagerFactory factory;

    @EJB
    private ManagerFactoryRegistration operator;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OriginPolicy.Decision origin = SAME_HOST.check(request.getHeader("Origin"), request.getHeader("Host"));
        if (!origin.allowed()) {
            LOG.warning(() -> "refused POST /admin/drain by " + LogSafe.user(request.getRemoteUser()) + " from origin "
                    + LogSafe.user(request.getHeader("Origin")) + ": " + origin.reason());
            answer(response, HttpServletResponse.SC_FORBIDDEN, Json.createObjectBuilder()
                    .add("error", "a drain is not accepted from a page of another origin (" + origin.reason() + ")"));
            return;
        }
        ManagerFactoryMXBean admin = operator.admin();
        int seconds;
        String started;
        try {
            seconds = seconds(request.getParameter("seconds"), admin);
            started = admin.drain(seconds);
        } catch (IllegalArgumentException refused) {
            answer(response, HttpServletResponse.SC_BAD_REQUEST, Json.createObjectBuilder()
                    .add("error", refused.getMessage()));
            return;
        } catch (RuntimeException e) {
            // The factory failed (JdkExceptions has logged it): nothing was started.
            LOG.log(Level.WARNING, "POST /admin/drain failed; no drain was started", e);
            answer(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Json.createObjectBuilder()
                    .add("error", "could not start the drain: " + e));
            return;
        }
        if (!"true".equalsIgnoreCase(request.getParameter("wait"))) {
            answer(response, HttpServletResponse.SC_ACCEPTED, body(factory.drainStatus(), started));
            return;
        }
        AsyncContext waiting = request.startAsync();
        waiting.setTimeout(seconds * 1000L + WAIT_MARGIN_MILLIS);
        AtomicBoolean answered = new AtomicBoolean();
        waiting.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                if (answered.compareAndSet(false, true)) {
                    finish(waiting, HttpServletResponse.SC_GATEWAY_TIMEOUT, factory.drainStatus(),
                            "the drain has not finished within its window plus " + WAIT_MARGIN_MILLIS + " ms");
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        factory.drainFinished().whenComplete((status, error) -> {
            if (answered.compareAndSet(false, true)) {
                waiting.start(() -> finish(waiting, HttpServletResponse.SC_OK, status, started));
            }
        });
    }

    /** The requested window, or the configured default (DrainSeconds) when the request names none. */
    private static int seconds(String requested, ManagerFactoryMXBean admin) {
        if (requested == null || requested.isBlank()) {
            return admin.getDrainSeconds();
        }
        try {
            return Integer.parseInt(requested.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seconds must be a whole number from 1 to " + Settings.MAX_DRAIN_SECONDS
                    + ", was '" + LogSafe.user(requested) + "'", e);
        }
    }

    private static void finish(AsyncContext waiting, int status, Drain.Status drain, String message) {
        try {
            answer((HttpServletResponse) waiting.getResponse(), status, body(drain, message));
        } catch (IOException | RuntimeException e) {
            // The caller (a preStop hook) went away; the drain goes on regardless.
            LOG.log(Level.INFO, "could not answer a waiting POST /admin/drain: " + e);
        } finally {
            waiting.complete();
        }
    }

    private static JsonObjectBuilder body(Drain.Status drain, String message) {
        return Json.createObjectBuilder()
                .add("draining", drain.draining())
                .add("finished", drain.finished())
                .add("planned", drain.planned())
                .add("closed", drain.closed())
                .add("leftBefore", drain.leftBefore())
                .add("managersLeft", drain.managersLeft())
                .add("deadline", Instant.ofEpochMilli(drain.deadlineMillis()).toString())
                .add("message", message);
    }

    private static void answer(ServletResponse response, int status, JsonObjectBuilder body) throws IOException {
        ((HttpServletResponse) response).setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body.build().toString());
    }
}
