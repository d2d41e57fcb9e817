package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.HandshakeGate;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.ejb.NoSuchEJBException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The only filter on {@code /ws}: hands every handshake to the {@link HandshakeGate} (its checks and their order live
 * there), carries the peer's address to the endpoint ({@link PeerAddress}), and tells every client why it goes when
 * the application stops. Liberty runs it after authentication and before the WebSocket upgrade.
 *
 * <p>The stop is here because the container destroys filters before it notifies any context listener, and WildFly
 * closes the WebSocket sessions in its own listener (1001 without a reason) before the factory's
 * {@code @PreDestroy} could speak. Liberty stops the factory first, whose {@code @PreDestroy} closes them the same way.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeGateFilter extends HttpFilter {

    /** How long the stop waits for the close frames to go out. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private static final Logger LOG = WeakLogger.of(HandshakeGateFilter.class);

    @EJB
    private ManagerFactory factory;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<HandshakeGate.Refusal> refusal = GuardRuntime.current().gate().check(gateRequest(request));
        if (refusal.isPresent()) {
            refuse(response, refusal.get());
            return;
        }
        PeerAddress.during(request.getRemoteAddr() + ":" + request.getRemotePort(), () ->
                chain.doFilter(request, response));
    }

    private static void refuse(HttpServletResponse response, HandshakeGate.Refusal refusal) throws IOException {
        refusal.headers().forEach(response::setHeader);
        if (refusal.status() < 500) {
            response.sendError(refusal.status(), refusal.reason());
            return;
        }
        // Not sendError: Liberty logs every 5xx sendError as an error with a stack trace, a drain's refusals included.
        response.setStatus(refusal.status());
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(refusal.reason());
    }

    private static HandshakeGate.Request gateRequest(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        List<String> cookieNames = cookies == null ? List.of() : Arrays.stream(cookies).map(Cookie::getName).toList();
        return new HandshakeGate.Request(request.getMethod(), request.getProtocol(), request.getHeader("Upgrade"),
                request.getHeader("Sec-WebSocket-Version"), request.getHeader("Sec-WebSocket-Key"),
                Collections.list(request.getHeaders("Authorization")), cookieNames,
                Collections.list(request.getHeaders("Origin")), request.getHeader("Host"),
                request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName());
    }

    @Override
    public void destroy() {
        GuardRuntime.markStopping();
        try {
            int closed = factory.closeAllForShutdown(CLOSE_WAIT_MILLIS);
            LOG.info(() -> "wsquota stopping: closed " + closed + " connections with 1001 server shutting down");
        } catch (NoSuchEJBException stoppedFirst) {
            // Liberty stops the EJB module before the web module: the factory's @PreDestroy has closed them already.
            LOG.fine(() -> "factory already stopped; its @PreDestroy closed the connections: " + stoppedFirst);
        } catch (RuntimeException e) {
            // The factory's @PreDestroy still releases every slot; only the clients' close reason may be lost.
            LOG.log(Level.WARNING, "could not close the connections before the container does; "
                    + "clients may see 1001 without a reason", e);
        }
    }
}
