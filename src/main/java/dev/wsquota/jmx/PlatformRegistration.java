package dev.wsquota.jmx;

import dev.wsquota.util.WeakLogger;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One MBean's place on the platform MBeanServer: registered loudly, unregistered once, never silently lost. */
final class PlatformRegistration {

    private static final Logger LOG = WeakLogger.of(PlatformRegistration.class);

    private final ObjectName name;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private volatile boolean registered;

    private PlatformRegistration(ObjectName name) {
        this.name = name;
    }

    /**
     * Registers the MBean; on failure (typically a second deployed copy holding the JVM-wide name)
     * logs SEVERE with {@code lost}, what the operator cannot see for this instance.
     */
    static PlatformRegistration register(Object mbean, ObjectName name, String lost) {
        PlatformRegistration registration = new PlatformRegistration(name);
        try {
            registration.server.registerMBean(mbean, name);
            registration.registered = true;
        } catch (JMException e) {
            LOG.log(Level.SEVERE, "wsquota MXBean " + name + " could NOT be registered (is a second copy of the "
                    + "application deployed?): " + lost, e);
        }
        return registration;
    }

    void unregister() {
        if (!registered) {
            return;
        }
        try {
            server.unregisterMBean(name);
            registered = false;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "wsquota MXBean " + name + " could not be unregistered", e);
        }
    }

    /** A fixed, literal name; no part of it ever comes from a user. */
    static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
