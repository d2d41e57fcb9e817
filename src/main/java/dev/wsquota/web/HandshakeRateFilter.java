package dev.wsquota.web;

import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.guard.HandshakeLimiter;
import dev.wsquota.quota.LimitHitCoalescer;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.WeakLogger;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Refuses a user's WebSocket handshake with HTTP 429 and {@code Retry-After} when the user tries more often than
 * {@code wsquota.handshakes-per-second} allows, before the upgrade: a client reconnecting in a loop then costs one
 * small HTTP answer per attempt instead of an upgrade, an admission and a close, and cannot slow other users.
 * Runs after authentication (the user is known); an unauthenticated request is left to the security constraint.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeRateFilter extends HttpFilter {

    private static final Logger LOG = WeakLogger.of(HandshakeRateFilter.class);

    /** One log line per user per second at most, with the count of the refusals it stands for. */
    private final LimitHitCoalescer refusals = new LimitHitCoalescer(1_000, System::currentTimeMillis);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        GuardRuntime.State guard = GuardRuntime.current();
        Optional<HandshakeLimiter> limiter = guard.handshakes();
        Principal principal = request.getUserPrincipal();
        if (limiter.isEmpty() || principal == null) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfterMillis = limiter.get().tryAcquire(principal.getName());
        if (retryAfterMillis == 0) {
            chain.doFilter(request, response);
            return;
        }
        guard.statistics().count(GuardStatistics.Refused.HANDSHAKE_RATE);
        long retryAfterSeconds = Math.max(1, (retryAfterMillis + 999) / 1000);
        long suppressed = refusals.hit(principal.getName());
        if (suppressed >= 0) {
            LOG.info(() -> "refused a WebSocket handshake of " + LogSafe.user(principal.getName()) + " with 429: over "
                    + guard.handshakeSettings() + " (" + suppressed + " more refused since the last line)");
        }
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        response.sendError(429, "too many connection attempts: retry after " + retryAfterSeconds + " s, with jitter");
    }
}
