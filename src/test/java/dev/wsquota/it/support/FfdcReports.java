package dev.wsquota.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The FFDC incident reports Liberty wrote for the test server (logs/ffdc/ffdc_*.log): an exception the
 * server found worth a report, so a test can tell that a lifecycle step it drives added none.
 */
public final class FfdcReports {

    private FfdcReports() {
    }

    public static Path directory() {
        return Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"),
                "logs", "ffdc");
    }

    /**
     * The names of the incident reports there now (the exception summary files are not reports). Liberty
     * creates logs/ffdc with its first report, so a missing one means none; a missing logs directory means
     * the wrong place, which fails rather than reads as "no reports".
     */
    public static Set<String> now() {
        Set<String> names = new TreeSet<>();
        Path dir = directory();
        if (!Files.isRegularFile(dir.resolveSibling("messages.log"))) {
            throw new IllegalStateException("no server log next to " + dir + ": wlpHome/serverName do not name the "
                    + "test server");
        }
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ffdc_")).forEach(names::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
        return names;
    }

    /** The reports that are not in {@code before}, each with its first lines, for an assertion message. */
    public static List<String> since(Set<String> before) {
        List<String> added = new ArrayList<>();
        for (String name : now()) {
            if (!before.contains(name)) {
                added.add(name + ": " + head(directory().resolve(name)));
            }
        }
        return added;
    }

    private static String head(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return String.join(" | ", lines.filter(l -> !l.isBlank()).limit(8).toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
