package dev.wsquota.it.support;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server's JVM still holds, asked over JMX from its DiagnosticCommand MBean as JConsole would:
 * how many classes of a name are loaded (one per class loader that defined it, instances or not) and how
 * many instances of a class are live after a full GC. Redeploys that leave an old version pinned show up
 * here as a second {@code ManagerFactory} class.
 */
public final class ServerHeap {

    private static final ObjectName DIAGNOSTIC = name("com.sun.management:type=DiagnosticCommand");
    private static final String[] ARGS_SIGNATURE = {String[].class.getName()};

    private final MBeanServerConnection server;

    ServerHeap(MBeanServerConnection server) {
        this.server = server;
    }

    /** What was counted at one moment: loaded classes per name and live instances per class name, under a prefix. */
    public record Counts(Map<String, Integer> classes, Map<String, Long> instances) {

        int classes(String name) {
            return classes.getOrDefault(name, 0);
        }

        long instances(String name) {
            return instances.getOrDefault(name, 0L);
        }

        int totalClasses() {
            return classes.values().stream().mapToInt(Integer::intValue).sum();
        }

        String summary(String... names) {
            StringBuilder out = new StringBuilder("classes under the prefix: " + totalClasses());
            for (String name : names) {
                out.append("; ").append(name).append(": ").append(classes(name)).append(" classes, ")
                        .append(instances(name)).append(" instances");
            }
            return out.toString();
        }
    }

    /**
     * Runs a full GC (the histogram's own) and counts: the loaded classes whose name starts with the prefix,
     * from the class hierarchy (every loaded class, with its loader), and their live instances, from the histogram.
     */
    public Counts count(String prefix) {
        Map<String, Long> instances = new TreeMap<>();
        for (String line : dcmd("gcClassHistogram").split("\n")) {
            // "  12:   3   72  dev.wsquota.quota.ManagerRegistry" (one row per class, so per loader)
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].endsWith(":") && cols[3].startsWith(prefix)) {
                instances.merge(cols[3], Long.parseLong(cols[1]), Long::sum);
            }
        }
        Map<String, Integer> classes = new TreeMap<>();
        for (String line : dcmd("vmClassHierarchy").split("\n")) {
            // "|  |--dev.wsquota.ejb.ManagerFactory/0x00007f3c4c1a2b30": the class, then its loader's data
            String entry = line.replaceFirst("^[|\\s-]*", "");
            int loader = entry.lastIndexOf('/');
            if (loader > 0 && entry.startsWith(prefix)) {
                classes.merge(entry.substring(0, loader), 1, Integer::sum);
            }
        }
        return new Counts(classes, instances);
    }

    /**
     * Writes a heap dump of the server JVM (live objects only) to a file on this machine; for finding what pins a
     * leak.
     */
    public void dump(String file) {
        try {
            server.invoke(name("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap", new Object[]{file, true},
                    new String[]{String.class.getName(), boolean.class.getName()});
        } catch (JMException | IOException e) {
            throw new IllegalStateException("heap dump to " + file + " failed", e);
        }
    }

    private String dcmd(String operation) {
        try {
            return (String) server.invoke(DIAGNOSTIC, operation, new Object[]{new String[0]}, ARGS_SIGNATURE);
        } catch (JMException | IOException e) {
            throw new IllegalStateException("DiagnosticCommand " + operation + " failed over JMX", e);
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (JMException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
