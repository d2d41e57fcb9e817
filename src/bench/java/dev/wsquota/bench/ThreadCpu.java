package dev.wsquota.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per thread of a process on this machine (Linux {@code /proc/<pid>/task}), grouped by thread name: which
 * of the server's threads (the sender, the executor running write completions, the TCP channel, GC, the JIT) a
 * window's CPU went to. Unlike sampling, it counts time in system calls and is not starved by a loaded machine.
 */
final class ThreadCpu {

    private static final double TICK_NANOS = 1e9 / 100; // USER_HZ: 100 on Linux

    private final long pid;
    private final Map<String, long[]> before;

    private ThreadCpu(long pid, Map<String, long[]> before) {
        this.pid = pid;
        this.before = before;
    }

    /** Reads every thread's CPU time now. */
    static ThreadCpu start(long pid) throws IOException {
        return new ThreadCpu(pid, read(pid));
    }

    /**
     * CPU nanoseconds per group since {@link #start}, largest first: threads grouped by name without digits, except
     * the busiest thread whose name starts with {@code single}, which is its own group ("busiest single thread").
     */
    Map<String, Long> since(String single) throws IOException {
        Map<String, long[]> now = read(pid);
        Map<String, String> comm = comms(pid, now.keySet());
        Map<String, Long> byThread = new HashMap<>();
        String busiest = null;
        long most = -1;
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            long[] then = before.get(e.getKey());
            long ticks = e.getValue()[0] - (then == null ? 0 : then[0]);
            byThread.put(e.getKey(), ticks);
            if (ticks > most && comm.getOrDefault(e.getKey(), "").startsWith(single)) {
                most = ticks;
                busiest = e.getKey();
            }
        }
        Map<String, Long> groups = new HashMap<>();
        for (Map.Entry<String, Long> e : byThread.entrySet()) {
            String name = comm.getOrDefault(e.getKey(), "?");
            String group = e.getKey().equals(busiest) ? "busiest single thread: " + name
                    : name.replaceAll("[0-9]+", "N");
            groups.merge(group, (long) (e.getValue() * TICK_NANOS), Long::sum);
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Thread id -> {utime + stime} in clock ticks. */
    private static Map<String, long[]> read(long pid) throws IOException {
        Map<String, long[]> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    // Fields after the name, which is in parentheses and may hold spaces.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName().toString(),
                            new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])});
                } catch (IOException e) {
                    // the thread ended between the listing and the read: its time is lost to the count
                }
            }
        }
        return ticks;
    }

    private static Map<String, String> comms(long pid, Iterable<String> ids) {
        Map<String, String> names = new HashMap<>();
        for (String id : ids) {
            try {
                names.put(id, Files.readString(Path.of("/proc", Long.toString(pid), "task", id, "comm"),
                        StandardCharsets.US_ASCII).strip());
            } catch (IOException e) {
                names.put(id, "(ended)"); // ended since: its time is still counted, under this name
            }
        }
        return names;
    }
}
