package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.inbound.CdiHandler;
import dev.wsquota.inbound.ForwardHandler;
import dev.wsquota.inbound.InboundHandler;
import dev.wsquota.inbound.InboundLanes;
import dev.wsquota.inbound.InboundMode;
import dev.wsquota.inbound.InboundSettings;
import dev.wsquota.inbound.InboundStatistics;
import dev.wsquota.jmx.InboundAdmin;
import dev.wsquota.quota.ReleaseListener;
import dev.wsquota.util.WeakLogger;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides at start where client messages go ({@code wsquota.inbound.mode}: echo, CDI observers, or an HTTP
 * backend), builds the lanes for the last two and tells the factory to report releases to them, and publishes the
 * counters as {@code dev.wsquota:type=Inbound}. A bad value stops the deployment with a message naming the key.
 */
@WebListener
public class InboundRuntime implements ServletContextListener {

    private static final Logger LOG = WeakLogger.of(InboundRuntime.class);

    /** The running application's inbound state; one application, one class loader, one value. */
    private static volatile State current;

    /** The settings, the counters, and the lanes (empty in echo mode). */
    public record State(InboundSettings settings, InboundStatistics statistics, Optional<InboundLanes> lanes) {
    }

    private InboundAdmin admin;
    private ManagerFactory factory;
    private ThreadPoolExecutor executor;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        InboundSettings settings = InboundSettings.load(
                key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        InboundStatistics statistics = new InboundStatistics();
        Optional<InboundLanes> lanes = Optional.empty();
        if (settings.mode() != InboundMode.ECHO) {
            executor = handlerThreads(settings.threads());
            InboundHandler handler = settings.mode() == InboundMode.CDI
                    ? new CdiHandler(CDI.current().getBeanManager())
                    : new ForwardHandler(settings, executor, statistics);
            factory = lookup("java:module/ManagerFactory");
            // Replies and error frames take the managers' outbound queues, as the application's messages do.
            InboundLanes built = new InboundLanes(executor, handler, factory.replies(), statistics,
                    settings.maxInFlight());
            factory.setReleaseListener(built::released);
            lanes = Optional.of(built);
        }
        State state = new State(settings, statistics, lanes);
        current = state;
        admin = InboundAdmin.register(settings, statistics, () -> state.lanes().map(InboundLanes::inFlight).orElse(0));
        LOG.info(() -> "wsquota inbound: " + settings);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (factory != null) {
            try {
                factory.setReleaseListener(ReleaseListener.NONE);
            } catch (RuntimeException e) {
                // The factory may already be stopped (Liberty stops the EJB first); the listener goes with it then.
                LOG.log(Level.FINE, "could not detach the inbound release listener", e);
            }
        }
        if (admin != null) {
            admin.unregister();
        }
        if (executor != null) {
            executor.shutdown(); // events still queued run out; a handler that never returns is the application's
        }
        current = null;
    }

    /**
     * The handlers' own pool, apart from the server's shared executor (which also reads the WebSockets): a blocking
     * observer holds one of these threads at most per manager, so one user holds at most their quota of them.
     * Threads from the container's managed factory, so observers run with the application's context.
     */
    private static ThreadPoolExecutor handlerThreads(int threads) {
        ManagedThreadFactory factory = lookup("java:comp/DefaultManagedThreadFactory");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory); // holds at most one waiting step per lane: bounded by the lanes
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The running application's inbound state; fails loudly if the listener did not run. */
    public static State current() {
        State state = current;
        if (state == null) {
            throw new IllegalStateException("wsquota inbound settings are not loaded: InboundRuntime did not start");
        }
        return state;
    }

    private static <T> T lookup(String name) {
        try {
            return InitialContext.doLookup(name);
        } catch (NamingException e) {
            throw new IllegalStateException(name + " is missing: the inbound lanes cannot start", e);
        }
    }
}
