package dev.wsquota.hosts;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hosts of one scenario: {@code src/test/hosts/netns.sh} makes a network namespace per node, and this class
 * starts, pauses, kills and cuts off the node processes in them, writing each action to the history as the
 * "harness" node. {@link #close} ends every process it started and removes every namespace, link and file the
 * script made, whatever happened before.
 */
final class Hosts implements AutoCloseable {

    static final Path SCRIPT = Path.of("src/test/hosts/netns.sh");

    private final Path dir;
    private final PrintWriter harness;
    private final Map<Integer, Process> nodes = new HashMap<>();
    private final List<Process> all = new ArrayList<>();

    private Hosts(Path dir) throws IOException {
        this.dir = dir;
        this.harness = new PrintWriter(Files.newBufferedWriter(dir.resolve("harness.tsv"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Null when namespaces can be made here, else the one-line reason why not. */
    static String probe() throws IOException, InterruptedException {
        Script result = script("probe");
        return result.exit == 0 ? null : result.output.strip();
    }

    static Hosts up(Path dir, int count) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) { // the histories append: an earlier run's must not enter this one's
            for (Path file : old.filter(f -> f.toString().matches(".*\\.(tsv|log)$")).toList()) {
                Files.delete(file);
            }
        }
        script("down"); // whatever an earlier run that was killed itself left behind
        Hosts hosts = new Hosts(dir);
        try {
            hosts.check(script("up", Integer.toString(count)), "up");
        } catch (IOException | RuntimeException e) {
            hosts.close();
            throw e;
        }
        return hosts;
    }

    static String address(int node) {
        return "10.77.0.1" + node;
    }

    /** Starts node {@code i}'s member process in its namespace; its history goes to {@code node<i>.tsv}. */
    void start(int i, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", "wsqh" + i, javaBin(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xlog:gc,safepoint:file=" + dir.resolve("gc" + i + ".log").toAbsolutePath() + ":time,uptime"));
        String extra = System.getProperty("hosts.jvmOptions", "").trim(); // to try a JVM or Hazelcast option
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath(), HostMember.class.getName(),
                "node=node" + i, "history=" + dir.resolve("node" + i + ".tsv").toAbsolutePath()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node" + i + ".log").toFile())).start();
        nodes.put(i, process);
        all.add(process);
        record("START", "node" + i);
    }

    /**
     * Starts node {@code i} as a Liberty server in its namespace, as an operator would start the created server:
     * the runtime's {@code bin/server run}, with this node's own user directory (configuration, logs, workarea).
     */
    void startLiberty(int i, Path wlp, Path userDir) throws IOException {
        List<String> command = List.of("ip", "netns", "exec", "wsqh" + i, "env", "WLP_USER_DIR=" + userDir
                .toAbsolutePath(), "JAVA_HOME=" + System.getProperty("java.home"), wlp.resolve("bin/server")
                .toAbsolutePath().toString(), "run", "wsquota");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node" + i + ".log").toFile())).start();
        nodes.put(i, process);
        all.add(process);
        record("START", "node" + i);
    }

    void cut(int i) throws IOException, InterruptedException {
        record("CUT", "node" + i);
        check(script("cut", Integer.toString(i)), "cut");
    }

    void heal(int i) throws IOException, InterruptedException {
        check(script("heal", Integer.toString(i)), "heal");
        record("HEAL", "node" + i);
    }

    void pause(int i) throws IOException, InterruptedException {
        record("STOP", "node" + i);
        signal(i, "STOP");
    }

    void resume(int i) throws IOException, InterruptedException {
        record("CONT", "node" + i); // before the signal: the resumed node may fence before kill returns
        signal(i, "CONT");
    }

    /**
     * Writes a thread dump of every running node but {@code except} to {@code threads-<label>-node<i>.txt}: what a
     * healthy node waits on while a peer is frozen. A dump that fails is noted in the file, never fatal.
     */
    void threadDumps(String label, int except) throws InterruptedException {
        for (Map.Entry<Integer, Process> entry : nodes.entrySet()) {
            int i = entry.getKey();
            Process node = entry.getValue();
            if (i == except || !node.isAlive()) {
                continue;
            }
            Path out = dir.resolve("threads-" + label + "-node" + i + ".txt");
            try {
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(node.pid()), "Thread.print").redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start().waitFor(20, TimeUnit.SECONDS);
                // and its sockets, with their queues: which peer stopped reading
                new ProcessBuilder("ip", "netns", "exec", "wsqh" + i, "ss", "-tnoi").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sockets-" + label + "-node" + i + ".txt").toFile()).start()
                        .waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                try {
                    Files.writeString(out, "no thread dump: " + e);
                } catch (IOException ignored) {
                    // the dump is a diagnostic only: the scenario's result does not depend on it
                }
            }
        }
    }

    void kill(int i) throws InterruptedException {
        record("KILL", "node" + i);
        nodes.get(i).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for every node process to finish its load and leave, at most {@code seconds}; true if all did. */
    boolean awaitExit(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Process process : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    synchronized void record(String type, String detail) {
        harness.println(System.currentTimeMillis() + "\tharness\t" + type + "\t-\t-\t" + detail);
        harness.flush();
    }

    /** Every line of every history of this scenario: the nodes' and the harness's. */
    List<String> history() throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : all) {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // a server script's JVM
            if (process.isAlive()) {
                ProcessHandle.of(process.pid()).ifPresent(p -> signalQuietly(p.pid(), "CONT"));
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        harness.close();
        script("down");
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(nodes.get(i).pid())).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " of node" + i + " failed");
        }
    }

    private static void signalQuietly(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the destroyForcibly that follows ends the process whether or not it was stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check(Script result, String what) {
        if (result.exit != 0) {
            throw new IllegalStateException("netns.sh " + what + " failed (" + result.exit + "): " + result.output);
        }
    }

    private record Script(int exit, String output) {
    }

    private static Script script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Script(-1, "timed out: " + output);
        }
        return new Script(process.exitValue(), output);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The product's classes, this harness's classes and Hazelcast: all a member process needs. */
    private static String classPath() {
        return String.join(java.io.File.pathSeparator, location(dev.wsquota.cluster.HazelcastLedger.class),
                location(HostMember.class), location(com.hazelcast.core.Hazelcast.class));
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
        }
    }
}
