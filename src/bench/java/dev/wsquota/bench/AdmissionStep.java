package dev.wsquota.bench;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Step 2: forks Gatling (io.gatling.app.Gatling) on AdmissionSimulation and records its numbers. */
final class AdmissionStep {

    static final String SECTION = "2. Admission rate and connect-to-welcome latency (Gatling)";
    private static final Pattern REQUEST_COUNT = Pattern.compile(
            "request count\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*([\\d,]+|-)\\s*\\|\\s*([\\d,]+|-)");

    private AdmissionStep() {
    }

    static void run(Results results, BenchServer server, Path out) throws Exception {
        int vus = Props.integer("bench.gatling.vus", 50);
        int iterations = Props.integer("bench.gatling.iterations", 60);
        int warmup = Props.integer("bench.gatling.warmupIterations", 30);
        int rounds = Props.integer("bench.gatling.rounds", 2);
        int timeout = Props.integer("bench.gatling.timeoutSeconds", 300);
        Path numbers = out.resolve("admission.properties");
        Path log = out.resolve("gatling.log");
        Files.deleteIfExists(numbers);
        Path logback = out.resolve("gatling-logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + Props.text("bench.gatling.heap", "1g"),
                // as Gatling's own launchers do: its log writer reads String internals
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dlogback.configurationFile=" + logback,
                "-cp", System.getProperty("java.class.path"),
                "-Dbench.httpPort=" + server.port(),
                "-Dbench.users=" + server.users(),
                "-Dbench.gatling.vus=" + vus,
                "-Dbench.gatling.iterations=" + iterations,
                "-Dbench.gatling.warmupIterations=" + warmup,
                "-Dbench.gatling.rounds=" + rounds,
                "-Dbench.gatling.out=" + numbers,
                "io.gatling.app.Gatling",
                "-s", "dev.wsquota.bench.gatling.AdmissionSimulation",
                "-rf", out.resolve("gatling").toString(),
                "-rd", "wsquota managed vs bare"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        CpuSampler cpu = new CpuSampler(server::cpuNanos);
        cpu.start();
        boolean profile = Props.integer("bench.gatling.jfr", 1) == 1;
        JfrProfile jfr = new JfrProfile(server.jmx());
        Path jfrFile = out.resolve("server-admission.jfr");
        Files.deleteIfExists(jfrFile);
        if (profile) {
            jfr.start();
        }
        try {
            if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Gatling did not finish within " + timeout + " s; see " + log);
            }
        } finally {
            cpu.stop();
            if (profile) {
                jfr.stop(jfrFile);
            }
        }
        int rc = process.exitValue();
        String text = Files.readString(log);
        if (!Files.isRegularFile(numbers)) {
            throw new IllegalStateException("Gatling exited " + rc + " without numbers; see " + log);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(numbers)) {
            p.load(r);
        }
        long planned = Long.parseLong(p.getProperty("plannedRequests"));
        long counted = -1;
        String ko = "?";
        Matcher m = REQUEST_COUNT.matcher(text);
        while (m.find()) { // the last summary is the final one
            counted = Long.parseLong(m.group(1).replace(",", ""));
            ko = m.group(3);
        }

        results.line(SECTION, "Each virtual user is its own bench user and does, " + iterations + " times: connect -> wait "
                + "for the welcome -> 10 echoes (each awaited) -> close. " + vus + " virtual users at once per phase; phases "
                + "run one after another: warm-up (managed, bare; " + warmup + " iterations each), then managed, bare "
                + "alternating for " + rounds + " rounds. connections/s = completed connect..close cycles / summed phase "
                + "wall time. Latency = just before the connect action until the welcome check passed (the welcome is "
                + "the admission signal), over every measured connection. Gatling report: target/bench/gatling/.");
        List<List<?>> rows = new ArrayList<>();
        double[] rate = new double[2];
        long[][] lat = new long[2][];
        String[] endpoints = {"managed", "bare"};
        for (int i = 0; i < 2; i++) {
            String e = endpoints[i];
            long conns = Long.parseLong(p.getProperty(e + ".connections", "0"));
            long nanos = Long.parseLong(p.getProperty(e + ".nanos", "1"));
            rate[i] = conns / (nanos / 1e9);
            lat[i] = new long[] {num(p, e, "p50"), num(p, e, "p95"), num(p, e, "p99"), num(p, e, "mean"), num(p, e, "max")};
            rows.add(List.of(e, conns, Results.fmt(nanos / 1e9, 1), Results.fmt(rate[i], 0),
                    ms(lat[i][0]), ms(lat[i][1]), ms(lat[i][2]), ms(lat[i][3]), ms(lat[i][4])));
        }
        rows.add(List.of("managed / bare", "", "", Results.fmt(rate[0] / rate[1], 3),
                ratio(lat[0][0], lat[1][0]), ratio(lat[0][1], lat[1][1]), ratio(lat[0][2], lat[1][2]),
                ratio(lat[0][3], lat[1][3]), ratio(lat[0][4], lat[1][4])));
        results.table(SECTION, List.of("endpoint", "connections", "phase time (s)", "connections/s",
                "p50 (ms)", "p95 (ms)", "p99 (ms)", "mean (ms)", "max (ms)"), rows);
        results.line(SECTION, "Managed reaches " + Results.fmt(100 * rate[0] / rate[1], 1)
                + "% of bare's connection rate; its connect-to-welcome latency is " + relative(lat[0][0], lat[1][0])
                + " bare's at p50, " + relative(lat[0][1], lat[1][1]) + " at p95 and " + relative(lat[0][2], lat[1][2])
                + " at p99.");
        List<List<?>> phases = new ArrayList<>();
        double[] cpuNanos = new double[2];
        long[] cpuConns = new long[2];
        for (String phase : p.getProperty("phases").split(",")) {
            long c = Long.parseLong(p.getProperty("phase." + phase + ".connections"));
            long n = Long.parseLong(p.getProperty("phase." + phase + ".nanos"));
            double used = cpu.between(Long.parseLong(p.getProperty("phase." + phase + ".start")),
                    Long.parseLong(p.getProperty("phase." + phase + ".end")));
            phases.add(List.of(phase, c, Results.fmt(n / 1e9, 2), Results.fmt(c / (n / 1e9), 0),
                    used < 0 ? "-" : Results.fmt(used / 1e3 / c, 0), used < 0 ? "-" : Results.fmt(100 * used / n, 0)));
            int i = phase.startsWith("managed") ? 0 : phase.startsWith("bare") ? 1 : -1;
            if (i >= 0 && used >= 0) {
                cpuNanos[i] += used;
                cpuConns[i] += c;
            }
        }
        if (cpuConns[0] > 0 && cpuConns[1] > 0) {
            double cm = cpuNanos[0] / cpuConns[0] / 1e3;
            double cb = cpuNanos[1] / cpuConns[1] / 1e3;
            results.item(SECTION, "server CPU per connection (connect, welcome, 10 echoes, close)",
                    "managed " + Results.fmt(cm, 0) + " us, bare " + Results.fmt(cb, 0) + " us, managed - bare "
                            + Results.fmt(cm - cb, 0) + " us (" + Results.fmt(100 * (cm - cb) / cb, 1) + "%); "
                            + "from the server's ProcessCpuTime sampled every 100 ms over each phase");
        }
        results.line(SECTION, "Per phase (in run order):");
        results.table(SECTION, List.of("phase", "connections", "time (s)", "connections/s",
                "server CPU per connection (us)", "server CPU use (% of one core)"), phases);
        if (profile && cpuConns[0] > 0 && cpuConns[1] > 0) {
            profileTable(results, p, jfrFile, cpuNanos, cpuConns);
        }
        results.item(SECTION, "requests planned", planned);
        results.item(SECTION, "requests Gatling counted", counted + " (KO=" + ko + ")");
        results.item(SECTION, "Gatling assertions (total count == planned, failed == 0)", rc == 0 ? "passed" : "FAILED (exit " + rc + ")");
        if (rc != 0 || counted != planned) {
            throw new BenchMain.CheckFailed("Gatling exit " + rc + ", requests " + counted + " of " + planned + " planned; see " + log);
        }
    }

    /** Server CPU per connection by component, managed vs bare, from the JFR samples of the measured phases. */
    private static void profileTable(Results results, Properties p, Path jfrFile, double[] cpuNanos, long[] cpuConns)
            throws Exception {
        Map<String, Long>[] counts = new Map[2];
        for (int i = 0; i < 2; i++) {
            counts[i] = new java.util.LinkedHashMap<>();
        }
        for (String phase : p.getProperty("phases").split(",")) {
            int i = phase.startsWith("managed") ? 0 : phase.startsWith("bare") ? 1 : -1;
            if (i < 0) {
                continue;
            }
            Map<String, Long> c = JfrProfile.count(jfrFile, Long.parseLong(p.getProperty("phase." + phase + ".startMillis")),
                    Long.parseLong(p.getProperty("phase." + phase + ".endMillis")));
            c.forEach((k, v) -> counts[i].merge(k, v, Long::sum));
        }
        long totalM = counts[0].getOrDefault("", 0L);
        long totalB = counts[1].getOrDefault("", 0L);
        if (totalM == 0 || totalB == 0) {
            results.line(SECTION, "JFR: no execution samples in the measured phases.");
            return;
        }
        double perConnM = cpuNanos[0] / cpuConns[0] / 1e3;
        double perConnB = cpuNanos[1] / cpuConns[1] / 1e3;
        List<List<?>> rows = new ArrayList<>();
        for (String component : JfrProfile.COMPONENTS.keySet()) {
            double shareM = counts[0].getOrDefault(component, 0L) / (double) totalM;
            double shareB = counts[1].getOrDefault(component, 0L) / (double) totalB;
            rows.add(List.of(component, Results.fmt(100 * shareM, 1), Results.fmt(100 * shareB, 1),
                    Results.fmt(shareM * perConnM, 0), Results.fmt(shareB * perConnB, 0),
                    Results.fmt(shareM * perConnM - shareB * perConnB, 0)));
        }
        rows.add(List.of("all server CPU", "100", "100", Results.fmt(perConnM, 0), Results.fmt(perConnB, 0),
                Results.fmt(perConnM - perConnB, 0)));
        results.line(SECTION, "Where the server's CPU goes (JFR execution samples of the server during the measured "
                + "phases: " + totalM + " managed, " + totalB + " bare; a sample counts for every component on its "
                + "stack, so rows overlap; us = share x server CPU per connection). Recording: "
                + "target/bench/server-admission.jfr.");
        results.table(SECTION, List.of("component (frames on the stack)", "managed % of samples", "bare % of samples",
                "managed us/connection", "bare us/connection", "managed - bare (us)"), rows);
    }

    private static long num(Properties p, String endpoint, String key) {
        return Long.parseLong(p.getProperty(endpoint + ".latency." + key, "-1"));
    }

    private static String ms(long nanos) {
        return Results.fmt(nanos / 1e6, 2);
    }

    private static String relative(long managed, long bare) {
        double pct = 100.0 * (managed - bare) / bare;
        return Results.fmt(Math.abs(pct), 1) + "% " + (pct >= 0 ? "above" : "below");
    }

    private static String ratio(long a, long b) {
        return Results.fmt((double) a / b, 3);
    }
}
