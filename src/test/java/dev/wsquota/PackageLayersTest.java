package dev.wsquota;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the packages in layers, each importing only those below it, so there is no cycle between
 * packages and the quota logic never depends on the container side.
 */
class PackageLayersTest {

    /** Lowest first: a package may import its own layer and the ones before it. */
    private static final List<String> LAYERS = List.of("util", "quota", "guard", "cluster", "inbound", "ejb", "jmx",
            "web", "api", "ops");

    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.wsquota\\.(\\w+)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.wsquota\\.(\\w+)\\.",
            Pattern.MULTILINE);

    @Test
    void everyPackageImportsOnlyTheLayersBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java/dev/wsquota"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                Matcher own = PACKAGE.matcher(text);
                assertTrue(own.find(), source + " has no dev.wsquota package");
                int ownLayer = layer(own.group(1), source);
                Matcher imported = IMPORT.matcher(text);
                while (imported.find()) {
                    if (layer(imported.group(1), source) > ownLayer) {
                        violations.add(source.getFileName() + " (" + own.group(1) + ") imports " + imported.group(1));
                    }
                }
                files++;
            }
        }
        assertTrue(files > 40, "read the main sources: " + files);
        assertEquals(List.of(), violations);
    }

    private static int layer(String pkg, Path source) {
        int layer = LAYERS.indexOf(pkg);
        assertTrue(layer >= 0, source + ": package dev.wsquota." + pkg + " has no place in " + LAYERS);
        return layer;
    }
}
