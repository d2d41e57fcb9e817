package dev.wsquota.web;

import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.guard.HandshakeLimiter;
import dev.wsquota.guard.HandshakeSettings;
import dev.wsquota.jmx.GuardAdmin;
import dev.wsquota.quota.WeakLogger;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * Loads the security settings when the application starts (a bad value stops the deployment with a
 * message naming the key), holds them and the refusal counters for the origin filter and the
 * endpoint, and publishes the counters as {@code dev.wsquota:type=Guard}.
 */
@WebListener
public class GuardRuntime implements ServletContextListener {

    private static final Logger LOG = WeakLogger.of(GuardRuntime.class);

    /** The application's guard state; one application, one class loader, one value. */
    private static volatile State current;

    /** Settings and counters of the running application, and the handshake limiter (empty when the limit is off). */
    public record State(GuardSettings settings, GuardStatistics statistics, HandshakeSettings handshakeSettings,
                        Optional<HandshakeLimiter> handshakes) {
    }

    private GuardAdmin admin;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        GuardSettings settings = GuardSettings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        HandshakeSettings handshakes = HandshakeSettings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        State state = new State(settings, new GuardStatistics(), handshakes, handshakes.newLimiter(System::nanoTime));
        current = state;
        admin = GuardAdmin.register(state.settings(), state.statistics());
        LOG.info(() -> "wsquota guard: allowed origins = " + settings.allowedOrigins() + ", max message = "
                + settings.maxMessageBytes() + " bytes, max " + settings.maxMessagesPerSecond() + " messages/s per connection"
                + ", handshakes " + handshakes);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
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
