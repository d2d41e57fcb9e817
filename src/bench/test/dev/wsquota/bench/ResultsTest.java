package dev.wsquota.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsTest {

    @Test
    void rendersSectionsInOrderWithItemsAndTables() {
        Results results = new Results("Bench");
        results.item("Machine", "cores", 2);
        results.table("Admission", List.of("endpoint", "conn/s"),
                List.of(List.of("managed", "1.0"), List.of("bare|x", 2)));
        results.line("Admission", "Ratio managed/bare: 0.5");
        results.item("Machine", "JDK", "17");

        String text = results.render();
        assertTrue(text.startsWith("# Bench\n\n## Machine\n\n- cores: 2\n- JDK: 17\n"), text);
        assertTrue(text.indexOf("## Machine") < text.indexOf("## Admission"), text);
        assertTrue(text.contains("| endpoint | conn/s |\n|---|---|\n| managed | 1.0 |\n| bare\\|x | 2 |\n"), text);
        assertTrue(text.contains("Ratio managed/bare: 0.5\n"), text);
        assertFalse(text.contains("\n\n\n"), text);
    }

    @Test
    void declaredSectionsKeepTheirPlaceAndEmptyOnesAreLeftOut() {
        Results results = new Results("Bench");
        results.section("A").section("B").section("C");
        results.item("C", "c", 3);
        results.item("A", "a", 1);
        String text = results.render();
        assertTrue(text.indexOf("## A") < text.indexOf("## C"), text);
        assertFalse(text.contains("## B"), text);
    }

    @Test
    void refusesRowOfWrongWidth() {
        Results results = new Results("Bench");
        assertThrows(IllegalArgumentException.class,
                () -> results.table("T", List.of("a", "b"), List.of(List.of("only one"))));
    }

    @Test
    void writeReplacesTheWholeFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/RESULTS.md");
        new Results("First").item("S", "k", "old value that is long").write(file);
        new Results("Second").item("S", "k", "new").write(file);
        String text = Files.readString(file);
        assertTrue(text.startsWith("# Second"), text);
        assertFalse(text.contains("old value"), text);
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void formatsIndependentOfLocale() {
        assertEquals("1.50", Results.fmt(1.5, 2));
        assertEquals("1.0 KiB", Results.kib(1024));
        assertEquals("2.0 MiB", Results.mib(2 * 1024 * 1024));
    }
}
