package dev.wsquota.ops;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.CleanupStatistics;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Readiness (/health/ready): DOWN while leaked slots would not be reclaimed, i.e. the cleanup timer is missing or late, or drift keeps recurring. */
@Readiness
@ApplicationScoped
public class WsquotaReadiness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(WsquotaReadiness.class.getName());

    @EJB
    private ManagerFactory factory;

    @Override
    public HealthCheckResponse call() {
        CleanupHealth health;
        try {
            health = read();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "readiness: the wsquota factory could not be read; reporting DOWN", e);
            return HealthCheckResponse.named(CleanupHealth.CHECK_NAME).down()
                    .withData("reason", "factory not answering: " + e).build();
        }
        // No log line of ours for DOWN: Liberty already logs every DOWN check with its data (CWMMH0052W).
        return health.toResponse();
    }

    private CleanupHealth read() {
        CleanupStatistics.Snapshot cleanup = factory.getCleanupStatistics();
        return new CleanupHealth(factory.isTimerActive(), factory.getTimerError(), factory.isCleanupLate(),
                factory.getCleanupIntervalSeconds(),
                cleanup.lastRunMillis() == 0 ? null : new Date(cleanup.lastRunMillis()),
                factory.getNextCleanupTime(), cleanup.consecutiveFailedRuns(), factory.getDriftCorrections(),
                factory.isDriftRecurring(), factory.getActiveManagers());
    }
}
