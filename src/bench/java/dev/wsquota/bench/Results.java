package dev.wsquota.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of one benchmark run, in sections, rendered as Markdown. Every value in RESULTS.md
 * comes from here; the file is written whole (to a temporary file, then moved), so a re-run
 * overwrites it and a crash never leaves half a file.
 */
public final class Results {

    private final String title;
    private final Map<String, List<String>> sections = new LinkedHashMap<>();

    public Results(String title) {
        this.title = title;
    }

    /** Adds a paragraph (or a list item, if it starts with "- ") to a section, creating it if needed. */
    public synchronized Results line(String section, String text) {
        sections.computeIfAbsent(section, s -> new ArrayList<>()).add(text);
        return this;
    }

    /** Adds a "- key: value" item. */
    public Results item(String section, String key, Object value) {
        return line(section, "- " + key + ": " + value);
    }

    /** Adds a Markdown table; cells are escaped so a '|' in a value cannot break it. */
    public synchronized Results table(String section, List<String> headers, List<List<?>> rows) {
        List<String> lines = sections.computeIfAbsent(section, s -> new ArrayList<>());
        StringBuilder head = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        for (String header : headers) {
            head.append(' ').append(cell(header)).append(" |");
            rule.append("---|");
        }
        lines.add("");
        lines.add(head.toString());
        lines.add(rule.toString());
        for (List<?> row : rows) {
            if (row.size() != headers.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, table has " + headers.size()
                        + " columns: " + row);
            }
            StringBuilder line = new StringBuilder("|");
            for (Object value : row) {
                line.append(' ').append(cell(String.valueOf(value))).append(" |");
            }
            lines.add(line.toString());
        }
        lines.add("");
        return this;
    }

    /** Declares a section so it renders at this position; a section left empty is not rendered. */
    public synchronized Results section(String section) {
        sections.computeIfAbsent(section, s -> new ArrayList<>());
        return this;
    }

    public synchronized boolean has(String section) {
        return sections.containsKey(section);
    }

    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n");
        for (Map.Entry<String, List<String>> section : sections.entrySet()) {
            if (section.getValue().isEmpty()) {
                continue;
            }
            out.append("## ").append(section.getKey()).append("\n\n");
            for (String line : section.getValue()) {
                boolean item = line.startsWith("- ") || line.startsWith("|") || line.isEmpty();
                if (!item) {
                    out.append('\n'); // a paragraph never continues a list item or a table
                }
                out.append(line).append('\n');
                if (!item) {
                    out.append('\n');
                }
            }
            out.append('\n');
        }
        return out.toString().replaceAll("\n{3,}", "\n\n");
    }

    /** Writes the whole document, replacing the file if it exists. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".results", ".md");
        Files.writeString(tmp, render(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** A number with a fixed count of decimals, independent of the machine's locale. */
    public static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Bytes as KiB with one decimal. */
    public static String kib(double bytes) {
        return fmt(bytes / 1024.0, 1) + " KiB";
    }

    /** Bytes as MiB with one decimal. */
    public static String mib(double bytes) {
        return fmt(bytes / (1024.0 * 1024.0), 1) + " MiB";
    }
}
