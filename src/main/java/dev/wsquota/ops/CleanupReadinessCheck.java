package dev.wsquota.ops;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.TimerWatchdog;
import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Readiness (/health/ready): DOWN while leaked slots would not be reclaimed, i.e. the cleanup or ping sweep timer
 * is missing, the cleanup is late, or drift keeps recurring.
 */
@Readiness
@ApplicationScoped
public class CleanupReadinessCheck implements HealthCheck {

    private static final Logger LOG = WeakLogger.of(CleanupReadinessCheck.class);

    @EJB
    private ManagerFactory factory;

    @EJB
    private TimerWatchdog watchdog;

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
        CleanupPass.Status cleanup = factory.cleanupStatus();
        CleanupStatistics.Snapshot passes = cleanup.statistics();
        return new CleanupHealth(watchdog.missingTimers(), watchdog.getTimerError(), cleanup.late(),
                factory.getCleanupIntervalSeconds(), passes.lastRunMillis() == 0 ? null
                        : new Date(passes.lastRunMillis()),
                factory.cleanupTimerStatus().next(), passes.consecutiveFailedRuns(), cleanup.driftCorrections(),
                cleanup.driftRecurring(), factory.readings().activeManagers());
    }
}
