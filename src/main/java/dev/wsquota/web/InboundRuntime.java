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
import dev.wsquota.quota.WeakLogger;
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

    /**
     * How long the stop waits for the lanes' last events (the closed events of the managers the stop released)
     * before it drops what is left.
     */
    static final long STOP_WAIT_MILLIS = 5_000;

    private static final Logger LOG = WeakLogger.of(InboundRuntime.class);

    /** The running application's inbound state; one application, one class loader, one value. */
    private static volatile State current;

    /** The settings, the counters, and the lanes (empty in echo mode). */
    public record State(InboundSettings settings, InboundStatistics statistics, Optional<InboundLanes> lanes) {
    }

    private InboundAdmin admin;
    private ManagerFactory factory;
    private ThreadPoolExecutor executor;
    private InboundHandler handler;
    private InboundLanes lanes;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        InboundSettings settings = InboundSettings.load(
                key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        InboundStatistics statistics = new InboundStatistics();
        if (settings.mode() != InboundMode.ECHO) {
            executor = handlerThreads(settings.threads());
            handler = settings.mode() == InboundMode.CDI
                    ? new CdiHandler(CDI.current().getBeanManager())
                    : new ForwardHandler(settings, executor,
                            lookup("java:comp/DefaultManagedScheduledExecutorService"), statistics);
            factory = lookup("java:module/ManagerFactory");
            // Replies and error frames take the managers' outbound queues, as the application's messages do.
            InboundLanes built = new InboundLanes(executor, handler, factory.replies(), statistics,
                    settings.maxInFlight());
            factory.setReleaseListener(built::released);
            this.lanes = built;
        }
        State state = new State(settings, statistics, Optional.ofNullable(this.lanes));
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
        awaitLastEvents();
        if (admin != null) {
            admin.unregister();
        }
        if (executor != null) {
            executor.shutdown(); // a lane's next step is refused from now on: the lane drops the rest, counted
        }
        if (handler != null) {
            handler.stop();
        }
        current = null;
    }

    /**
     * The stop released every manager before this listener runs (Liberty stops the EJB first; on WildFly the
     * handshake filter, destroyed before the listeners, does it), so their closed events are queued: they get a
     * bounded time to run while the handlers can still work.
     */
    private void awaitLastEvents() {
        if (lanes == null) {
            return;
        }
        try {
            if (!lanes.awaitIdle(STOP_WAIT_MILLIS)) {
                LOG.info(() -> lanes.busyLanes() + " managers' inbound events had not run " + STOP_WAIT_MILLIS
                        + " ms into the stop: dropped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the stop is being cut short: what is left is dropped, counted
        }
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
