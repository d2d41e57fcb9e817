package dev.wsquota.web;

import dev.wsquota.guard.UpgradeRequest;
import dev.wsquota.quota.WeakLogger;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Refuses a malformed WebSocket handshake (400) or a request that is not a GET (404) before the container can
 * upgrade it, so the answers are the same on every server (see {@link UpgradeRequest}).
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class UpgradeRequestFilter extends HttpFilter {

    private static final Logger LOG = WeakLogger.of(UpgradeRequestFilter.class);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<UpgradeRequest.Refusal> refusal = UpgradeRequest.check(request.getMethod(), request.getProtocol(),
                request.getHeader("Upgrade"), request.getHeader("Sec-WebSocket-Version"), request.getHeader("Sec-WebSocket-Key"));
        if (refusal.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        // FINE, not INFO: the client gets the reason; a scanner must not be able to flood the log.
        LOG.fine(() -> "refused a request to /ws with " + refusal.get().status() + ": " + refusal.get().reason());
        if (refusal.get().status() == HttpServletResponse.SC_BAD_REQUEST) {
            response.setHeader("Sec-WebSocket-Version", UpgradeRequest.VERSION);
        }
        response.sendError(refusal.get().status(), refusal.get().reason());
    }
}
