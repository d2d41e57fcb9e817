package dev.wsquota.web;

import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.guard.OriginPolicy;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.WeakLogger;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.logging.Logger;

/**
 * Refuses a WebSocket handshake from a browser origin that {@code wsquota.allowed-origins} does not
 * allow, with HTTP 403, before the container upgrades it: the endpoint and the factory never see it.
 * A servlet filter rather than {@code Configurator.checkOrigin} because the same-host default needs
 * the {@code Host} header, which checkOrigin does not get. Liberty runs filters before its WebSocket
 * upgrade, and after authentication (an unauthenticated foreign handshake gets 401 first).
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class OriginFilter extends HttpFilter {

    private static final Logger LOG = WeakLogger.of(OriginFilter.class);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        List<String> origins = Collections.list(request.getHeaders("Origin"));
        GuardRuntime.State guard = GuardRuntime.current();
        OriginPolicy.Decision decision = origins.size() > 1
                ? new OriginPolicy.Decision(false, "more than one Origin header")
                : guard.settings().allowedOrigins().check(origins.isEmpty() ? null : origins.get(0), request.getHeader("Host"));
        if (decision.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        guard.statistics().count(GuardStatistics.Refused.ORIGIN);
        String user = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
        LOG.info(() -> "refused a WebSocket handshake with 403: " + decision.reason() + "; Origin "
                + LogSafe.user(String.valueOf(origins)) + ", user " + LogSafe.user(user));
        response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
    }
}
