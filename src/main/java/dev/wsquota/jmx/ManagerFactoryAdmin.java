package dev.wsquota.jmx;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.Settings;
import jakarta.ejb.EJBException;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The MXBean an operator talks to. Every call goes through the factory's EJB business proxy, so the
 * factory's {@code @Lock}s apply, and every exception leaves as a plain JDK type with its message,
 * because JConsole and jmxterm have no EE classes to deserialize an {@code EJBException} with.
 */
public final class ManagerFactoryAdmin implements ManagerFactoryMXBean {

    /** {@code dev.wsquota:type=ManagerFactory}. */
    public static final ObjectName OBJECT_NAME = objectName("dev.wsquota:type=ManagerFactory");

    private static final Logger LOG = Logger.getLogger(ManagerFactoryAdmin.class.getName());

    private final ManagerFactory factory;
    private final MBeanServer server;
    private boolean registered;

    private ManagerFactoryAdmin(ManagerFactory factory, MBeanServer server) {
        this.factory = factory;
        this.server = server;
    }

    /** Registers an MXBean for the factory's business proxy on the platform MBeanServer. */
    public static ManagerFactoryAdmin register(ManagerFactory factoryProxy) {
        ManagerFactoryAdmin admin = new ManagerFactoryAdmin(factoryProxy, ManagementFactory.getPlatformMBeanServer());
        try {
            admin.server.registerMBean(admin, OBJECT_NAME);
            admin.registered = true;
        } catch (JMException e) {
            LOG.log(Level.SEVERE, "wsquota MXBean " + OBJECT_NAME + " could NOT be registered (is a second copy of "
                    + "the application deployed?): operators cannot see or steer this instance", e);
        }
        return admin;
    }

    /** Removes the MXBean; called when the application stops. */
    public void unregister() {
        if (!registered) {
            return;
        }
        try {
            server.unregisterMBean(OBJECT_NAME);
            registered = false;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "wsquota MXBean " + OBJECT_NAME + " could not be unregistered", e);
        }
    }

    @Override
    public int getMaxManagersPerUser() {
        return call(factory::getMaxManagersPerUser);
    }

    @Override
    public void setMaxManagersPerUser(int managers) {
        QuotaLimits.checkQuota("MaxManagersPerUser", managers);
        run(() -> factory.setMaxManagersPerUser(managers));
    }

    @Override
    public int getMaxManagersTotal() {
        return call(factory::getMaxManagersTotal);
    }

    @Override
    public void setMaxManagersTotal(int managers) {
        QuotaLimits.checkQuota("MaxManagersTotal", managers);
        run(() -> factory.setMaxManagersTotal(managers));
    }

    @Override
    public int getCleanupIntervalSeconds() {
        return call(factory::getCleanupIntervalSeconds);
    }

    @Override
    public void setCleanupIntervalSeconds(int seconds) {
        Settings.checkInterval("CleanupIntervalSeconds", seconds);
        run(() -> factory.setCleanupIntervalSeconds(seconds));
    }

    @Override
    public int getIdleTimeoutSeconds() {
        return call(factory::getIdleTimeoutSeconds);
    }

    @Override
    public void setIdleTimeoutSeconds(int seconds) {
        Settings.checkIntervalOrZero("IdleTimeoutSeconds", seconds);
        run(() -> factory.setIdleTimeoutSeconds(seconds));
    }

    @Override
    public int getPingIntervalSeconds() {
        return call(factory::getPingIntervalSeconds);
    }

    @Override
    public void setPingIntervalSeconds(int seconds) {
        Settings.checkIntervalOrZero("PingIntervalSeconds", seconds);
        run(() -> factory.setPingIntervalSeconds(seconds));
    }

    @Override
    public int getPongTimeoutSeconds() {
        return call(factory::getPongTimeoutSeconds);
    }

    @Override
    public void setPongTimeoutSeconds(int seconds) {
        Settings.checkInterval("PongTimeoutSeconds", seconds);
        run(() -> factory.setPongTimeoutSeconds(seconds));
    }

    @Override
    public int getProbeAfterSeconds() {
        return call(factory::getProbeAfterSeconds);
    }

    @Override
    public void setProbeAfterSeconds(int seconds) {
        Settings.checkIntervalOrZero("ProbeAfterSeconds", seconds);
        run(() -> factory.setProbeAfterSeconds(seconds));
    }

    @Override
    public int getProbeTimeoutMillis() {
        return call(factory::getProbeTimeoutMillis);
    }

    @Override
    public void setProbeTimeoutMillis(int millis) {
        Settings.checkProbeTimeout("ProbeTimeoutMillis", millis);
        run(() -> factory.setProbeTimeoutMillis(millis));
    }

    @Override
    public String getOnLimitPolicy() {
        return call(factory::getOnLimitPolicy).key();
    }

    @Override
    public void setOnLimitPolicy(String policy) {
        OnLimitPolicy parsed = OnLimitPolicy.parse(policy);
        run(() -> factory.setOnLimitPolicy(parsed));
    }

    @Override
    public long getProbes() {
        return call(factory::getProbes);
    }

    @Override
    public long getProbeReclaimed() {
        return call(factory::getProbeReclaimed);
    }

    @Override
    public int getActiveManagers() {
        return call(factory::getActiveManagers);
    }

    @Override
    public int getActiveUsers() {
        return call(factory::getActiveUsers);
    }

    @Override
    public Map<String, Integer> getUserManagerCounts() {
        return call(factory::getUserManagerCounts);
    }

    @Override
    public long getLimitHits() {
        return call(factory::getLimitHits);
    }

    @Override
    public long getAdmissions() {
        return call(factory::getAdmissions);
    }

    @Override
    public Map<String, Long> getReleasesByCause() {
        Map<String, Long> byName = new LinkedHashMap<>();
        call(factory::getReleasesByCause).forEach((cause, count) -> byName.put(cause.name(), count));
        return byName;
    }

    @Override
    public long getCleanupRuns() {
        return cleanup().runs();
    }

    @Override
    public int getLastCleanupReclaimed() {
        return cleanup().lastReclaimed();
    }

    @Override
    public Date getLastCleanupTime() {
        long millis = cleanup().lastRunMillis();
        return millis == 0 ? null : new Date(millis);
    }

    @Override
    public long getLastCleanupDurationMillis() {
        return cleanup().lastDurationMillis();
    }

    @Override
    public long getCleanupFailures() {
        return cleanup().totalFailures();
    }

    @Override
    public boolean isTimerActive() {
        return call(factory::isTimerActive);
    }

    @Override
    public String getTimerError() {
        return call(factory::getTimerError);
    }

    @Override
    public int forceCleanup() {
        return call(factory::forceCleanup);
    }

    private CleanupStatistics.Snapshot cleanup() {
        return call(factory::getCleanupStatistics);
    }

    private void run(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }

    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (EJBException e) {
            throw jdkException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The root cause as a JDK exception with its message and no EE classes in its chain. */
    static RuntimeException jdkException(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException) {
            return new IllegalArgumentException(root.getMessage());
        }
        LOG.log(Level.WARNING, "wsquota JMX call failed", thrown);
        return new IllegalStateException(root.getClass().getSimpleName() + ": " + root.getMessage());
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
