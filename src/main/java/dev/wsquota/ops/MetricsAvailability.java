package dev.wsquota.ops;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether MicroProfile Metrics can carry the wsquota_* metrics on this server, without a compile-time
 * link to it: where it is missing (WildFly 39 has none) the metrics bean is silently skipped, and this says so.
 */
public final class MetricsAvailability {

    /** The MicroProfile Metrics type the metrics bean injects; looked up by name so a server without it is no error. */
    static final String REGISTRY_CLASS = "org.eclipse.microprofile.metrics.MetricRegistry";

    private MetricsAvailability() {
    }

    /**
     * Why the metrics are off, or empty when MicroProfile Metrics is there.
     *
     * @param loader   the application's class loader
     * @param injectable whether the container has a bean of the given type to inject
     */
    public static Optional<String> missingReason(ClassLoader loader, Predicate<Class<?>> injectable) {
        Class<?> registry;
        try {
            registry = Class.forName(REGISTRY_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("the MicroProfile Metrics API is not visible to the application (" + e + ")");
        }
        if (!injectable.test(registry)) {
            return Optional.of(
                    "the MicroProfile Metrics API is visible but the server provides no MetricRegistry bean");
        }
        return Optional.empty();
    }

    /** The one startup WARNING for a server without MicroProfile Metrics. */
    public static String warning(String module, String reason) {
        return "wsquota (module " + module + "): the wsquota_* metrics are OFF because " + reason
                + ". JMX has the same numbers: MXBeans dev.wsquota:type=ManagerFactory and dev.wsquota:type=Guard.";
    }
}
