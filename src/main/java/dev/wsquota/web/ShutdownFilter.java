package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.ejb.NoSuchEJBException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells every client why it goes when the application stops: 1001 "server shutting down". A filter, passing
 * every request on, because the container destroys filters before it notifies any context listener, and WildFly
 * closes the WebSocket sessions in its own listener (1001 without a reason), before the factory's
 * {@code @PreDestroy} could speak. Liberty stops the factory first, whose {@code @PreDestroy} closes them the same way.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class ShutdownFilter extends HttpFilter {

    /** How long the stop waits for the close frames to go out. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private static final Logger LOG = WeakLogger.of(ShutdownFilter.class);

    @EJB
    private ManagerFactory factory;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {
        try {
            int closed = factory.closeAllForShutdown(CLOSE_WAIT_MILLIS);
            LOG.info(() -> "wsquota stopping: closed " + closed + " connections with 1001 server shutting down");
        } catch (NoSuchEJBException stoppedFirst) {
            // Liberty stops the EJB module before the web module: the factory's @PreDestroy has closed them already.
            LOG.fine(() -> "factory already stopped; its @PreDestroy closed the connections: " + stoppedFirst);
        } catch (RuntimeException e) {
            // The factory's @PreDestroy still releases every slot; only the clients' close reason may be lost.
            LOG.log(Level.WARNING, "could not close the connections before the container does; clients may see 1001 without a reason", e);
        }
    }
}
