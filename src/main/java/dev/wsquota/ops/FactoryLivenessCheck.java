package dev.wsquota.ops;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Liveness (/health/live): UP while the factory EJB answers and its registry can be read; a restart is the cure
 * otherwise.
 */
@Liveness
@ApplicationScoped
public class FactoryLivenessCheck implements HealthCheck {

    /** The name of the liveness check in /health/live. */
    public static final String CHECK_NAME = "wsquota-factory";

    private static final Logger LOG = WeakLogger.of(FactoryLivenessCheck.class);

    @EJB
    private ManagerFactory factory;

    @Override
    public HealthCheckResponse call() {
        try {
            return HealthCheckResponse.named(CHECK_NAME).up()
                    .withData("activeManagers", factory.readings().activeManagers())
                    .withData("activeUsers", factory.readings().activeUsers())
                    .withData("maxManagersPerUser", factory.getMaxManagersPerUser())
                    .withData("maxManagersTotal", factory.getMaxManagersTotal())
                    .build();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "liveness DOWN: the wsquota factory or its registry does not answer", e);
            return HealthCheckResponse.named(CHECK_NAME).down().withData("reason", "factory not answering: " + e)
                    .build();
        }
    }
}
