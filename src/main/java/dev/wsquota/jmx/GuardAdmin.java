package dev.wsquota.jmx;

import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.GuardStatistics;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The guard's MXBean: plain JDK types only, one fixed name (no part of it comes from a user). */
public final class GuardAdmin implements GuardMXBean {

    /** {@code dev.wsquota:type=Guard}. */
    public static final ObjectName OBJECT_NAME = objectName();

    private static final Logger LOG = Logger.getLogger(GuardAdmin.class.getName());

    private final GuardSettings settings;
    private final GuardStatistics statistics;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private boolean registered;

    private GuardAdmin(GuardSettings settings, GuardStatistics statistics) {
        this.settings = settings;
        this.statistics = statistics;
    }

    public static GuardAdmin register(GuardSettings settings, GuardStatistics statistics) {
        GuardAdmin admin = new GuardAdmin(settings, statistics);
        try {
            admin.server.registerMBean(admin, OBJECT_NAME);
            admin.registered = true;
        } catch (JMException e) {
            LOG.log(Level.SEVERE, "wsquota MXBean " + OBJECT_NAME + " could NOT be registered (is a second copy of "
                    + "the application deployed?): refusal counts are not visible for this instance", e);
        }
        return admin;
    }

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
    public String getAllowedOrigins() {
        return settings.allowedOrigins().toString();
    }

    @Override
    public int getMaxMessageBytes() {
        return settings.maxMessageBytes();
    }

    @Override
    public int getMaxMessagesPerSecond() {
        return settings.maxMessagesPerSecond();
    }

    @Override
    public Map<String, Long> getRefusals() {
        return statistics.snapshot();
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName("dev.wsquota:type=Guard");
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
