package dev.wsquota.bench;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's live objects per class (the JVM's GC.class_histogram, taken through the DiagnosticCommand
 * MBean, which collects first), so a hold's heap can be attributed class by class instead of as one total.
 */
record ClassHistogram(Map<String, long[]> byClass) {

    /** Instances and bytes of one class: index 0 = instances, 1 = bytes. */
    static ClassHistogram take(MBeanServerConnection server) throws Exception {
        String text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        return parse(text);
    }

    /** Parses lines like {@code "   1:   12345   678900  java.lang.String (java.base@17)"}. */
    static ClassHistogram parse(String text) {
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue; // header, separator or the Total line
            }
            try {
                long instances = Long.parseLong(f[1]);
                long bytes = Long.parseLong(f[2]);
                // One class can appear once per class loader (module column differs): add them up.
                byClass.merge(f[3], new long[] {instances, bytes}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            } catch (NumberFormatException e) {
                // not a data line
            }
        }
        return new ClassHistogram(byClass);
    }

    long bytes(String cls) {
        long[] v = byClass.get(cls);
        return v == null ? 0 : v[1];
    }

    long instances(String cls) {
        long[] v = byClass.get(cls);
        return v == null ? 0 : v[0];
    }

    long totalBytes() {
        return byClass.values().stream().mapToLong(v -> v[1]).sum();
    }

    /** What a hold added, per class: held minus before. */
    static ClassHistogram delta(ClassHistogram before, ClassHistogram held) {
        Map<String, long[]> d = new HashMap<>();
        Set<String> all = new TreeSet<>(before.byClass.keySet());
        all.addAll(held.byClass.keySet());
        for (String c : all) {
            d.put(c, new long[] {held.instances(c) - before.instances(c), held.bytes(c) - before.bytes(c)});
        }
        return new ClassHistogram(d);
    }

    /**
     * Classes whose added bytes per connection differ between two holds by at least {@code minBytes}, largest
     * difference first.
     */
    static List<String> differing(ClassHistogram a, int na, ClassHistogram b, int nb, double minBytes, int max) {
        Set<String> all = new TreeSet<>(a.byClass.keySet());
        all.addAll(b.byClass.keySet());
        List<String> out = new ArrayList<>();
        for (String c : all) {
            if (Math.abs(a.bytes(c) / (double) na - b.bytes(c) / (double) nb) >= minBytes) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingDouble((String c) -> -(a.bytes(c) / (double) na - b.bytes(c) / (double) nb)));
        return out.size() > max ? out.subList(0, max) : out;
    }
}
