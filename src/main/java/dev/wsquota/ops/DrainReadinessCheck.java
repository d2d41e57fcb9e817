package dev.wsquota.ops;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.Drain;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Readiness while a node drains before a planned stop (/health/ready, check {@code wsquota-drain}): DOWN from the
 * drain's start until it is ended or the server stops, so a load balancer or Kubernetes stops sending new
 * connections here while the managers are closed one by one.
 */
@Readiness
@ApplicationScoped
public class DrainReadinessCheck implements HealthCheck {

    static final String CHECK_NAME = "wsquota-drain";

    private static final Logger LOG = WeakLogger.of(DrainReadinessCheck.class);

    @EJB
    private ManagerFactory factory;

    @Override
    public HealthCheckResponse call() {
        Drain.Status drain;
        try {
            drain = factory.drainStatus();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "readiness: the wsquota factory could not be read; reporting DOWN", e);
            return HealthCheckResponse.named(CHECK_NAME).down()
                    .withData("reason", "factory not answering: " + e).build();
        }
        if (!drain.draining()) {
            return HealthCheckResponse.named(CHECK_NAME).up().withData("draining", false).build();
        }
        return HealthCheckResponse.named(CHECK_NAME).down()
                .withData("draining", true)
                .withData("reason", drain.finished() ? "drained: the server is about to stop"
                        : "draining before a stop")
                .withData("managersLeft", drain.managersLeft())
                .withData("closed", drain.closed())
                .withData("deadline", Instant.ofEpochMilli(drain.deadlineMillis()).toString())
                .build();
    }
}
