package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.guard.HandshakeGate;
import dev.wsquota.guard.HandshakeLimiter;
import dev.wsquota.guard.HandshakeSettings;
import dev.wsquota.jmx.GuardAdmin;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Loads the security settings when the application starts (a bad value stops the deployment with a
 * message naming the key), holds them, the handshake gate and the refusal counters for the gate's filter and
 * the endpoint, and publishes the counters as {@code dev.wsquota:type=Guard}.
 */
@WebListener
public class GuardRuntime implements ServletContextListener {

    private static final Logger LOG = WeakLogger.of(GuardRuntime.class);

    /** The application's guard state; one application, one class loader, one value. */
    private static volatile State current;

    /** The cookie browsers send the JWT in, unless MicroProfile JWT's {@code mp.jwt.token.cookie} names another. */
    static final String DEFAULT_JWT_COOKIE = "wsquota-jwt";

    /** True from the moment the application starts to stop: the gate answers new handshakes with 503, as in a drain. */
    private static volatile boolean stopping;

    /** Settings and counters of the running application, and the gate every handshake passes. */
    public record State(GuardSettings settings, GuardStatistics statistics, HandshakeGate gate) {
    }

    private GuardAdmin admin;

    @EJB
    private ManagerFactory factory;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        GuardSettings settings = GuardSettings.load(key -> ConfigProvider.getConfig()
                .getOptionalValue(key, String.class));
        HandshakeSettings handshakes = HandshakeSettings.load(key -> ConfigProvider.getConfig()
                .getOptionalValue(key, String.class));
        String jwtCookie = ConfigProvider.getConfig().getOptionalValue("mp.jwt.token.cookie", String.class)
                .filter(name -> !name.isBlank()).orElse(DEFAULT_JWT_COOKIE);
        GuardStatistics statistics = new GuardStatistics();
        Optional<HandshakeLimiter> limiter = handshakes.newLimiter(System::nanoTime);
        stopping = false;
        BooleanSupplier draining = factory.drainingFlag();
        State state = new State(settings, statistics, new HandshakeGate(settings, statistics, handshakes, limiter,
                jwtCookie, () -> stopping || draining.getAsBoolean()));
        current = state;
        admin = GuardAdmin.register(state.settings(), state.statistics());
        LOG.info(() -> "wsquota guard: allowed origins = " + settings.allowedOrigins() + ", max message = "
                + settings.maxMessageBytes() + " bytes, max " + settings.maxMessagesPerSecond()
                        + " messages/s per connection"
                + ", handshakes " + handshakes);
    }

    /** Marks the application as stopping, so the gate refuses new handshakes from now on. */
    static void markStopping() {
        stopping = true;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        markStopping();
        ManagersEndpoint.stopCloses(); // after the gate's filter closed every connection (filters go first)
        if (admin != null) {
            admin.unregister();
        }
        current = null;
    }

    /** The running application's guard state; fails loudly if the listener did not run. */
    public static State current() {
        State state = current;
        if (state == null) {
            throw new IllegalStateException("wsquota guard settings are not loaded: GuardRuntime did not start");
        }
        return state;
    }
}
