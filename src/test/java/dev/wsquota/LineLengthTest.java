package dev.wsquota;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps every Java line of the project within 120 columns, so a file reads without scrolling side to side and a
 * side-by-side diff fits a screen. Part of the unit tests, so a long line fails the build.
 */
class LineLengthTest {

    static final int MAX_COLUMNS = 120;

    /** Every tree with Java sources: the product, its tests, the benchmarks and the JConsole plugin. */
    private static final List<Path> SOURCE_TREES = List.of(Path.of("src/main"), Path.of("src/test"),
            Path.of("src/bench"), Path.of("src/jconsole"));

    @Test
    void everyJavaLineFitsInOneHundredTwentyColumns() throws IOException {
        List<String> tooLong = new ArrayList<>();
        int files = 0;
        for (Path tree : SOURCE_TREES) {
            if (!Files.isDirectory(tree)) {
                continue;
            }
            try (Stream<Path> sources = Files.walk(tree)) {
                for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(source);
                    for (int i = 0; i < lines.size(); i++) {
                        int columns = lines.get(i).codePointCount(0, lines.get(i).length());
                        if (columns > MAX_COLUMNS) {
                            tooLong.add(source + ":" + (i + 1) + " has " + columns + " columns");
                        }
                    }
                    files++;
                }
            }
        }
        assertTrue(files > 100, "read the sources: " + files);
        assertEquals(List.of(), tooLong, "lines over " + MAX_COLUMNS + " columns");
    }
}
