package dev.wsquota.bench;

import java.io.IOException;
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

    /** The endpoints as AdmissionSimulation names them, in its order. */
    static final String[] ENDPOINTS = {"managed", "fair", "bare"};
    /** Ratios reported: managed / fair, managed / bare, fair / bare. */
    private static final int[][] RATIOS = {{0, 1}, {0, 2}, {1, 2}};

    private AdmissionStep() {
    }

    /** The Gatling run's settings ({@code bench.gatling.*}). */
    private record Plan(int vus, int iterations, int warmup, int rounds, int timeoutSeconds) {

        static Plan read() {
            return new Plan(Props.integer("bench.gatling.vus", 50), Props.integer("bench.gatling.iterations", 60),
                    Props.integer("bench.gatling.warmupIterations", 30), Props.integer("bench.gatling.rounds", 2),
                    Props.integer("bench.gatling.timeoutSeconds", 300));
        }
    }

    /** What the forked Gatling left: its exit code, its numbers file, its log, and the server CPU samples. */
    private record Run(int rc, Properties numbers, String logText, Path log, CpuSampler cpu) {
    }

    /** Server CPU summed per endpoint over its measured phases, and the connections those phases made. */
    private record PhaseCpu(double[] nanos, long[] connections) {

        boolean complete() {
            return connections[0] > 0 && connections[1] > 0 && connections[2] > 0;
        }
    }

    static void run(Results results, BenchServer server, Path out) throws Exception {
        Plan plan = Plan.read();
        boolean profile = Props.integer("bench.gatling.jfr", 1) == 1;
        Path jfrFile = out.resolve("server-admission.jfr");
        Run run = gatling(server, out, plan, profile, jfrFile);
        long planned = Long.parseLong(run.numbers().getProperty("plannedRequests"));
        long counted = -1;
        String ko = "?";
        Matcher m = REQUEST_COUNT.matcher(run.logText());
        while (m.find()) { // the last summary is the final one
            counted = Long.parseLong(m.group(1).replace(",", ""));
            ko = m.group(3);
        }
        describe(results, plan);
        endpointTable(results, run.numbers());
        PhaseCpu cpu = phaseCpu(results, run.numbers(), run.cpu());
        if (profile && cpu.complete()) {
            profileTable(results, run.numbers(), jfrFile, cpu.nanos(), cpu.connections());
        }
        int rc = run.rc();
        results.item(SECTION, "requests planned", planned);
        results.item(SECTION, "requests Gatling counted", counted + " (KO=" + ko + ")");
        results.item(SECTION, "Gatling assertions (total count == planned, failed == 0)",
                rc == 0 ? "passed" : "FAILED (exit " + rc + ")");
        if (rc != 0 || counted != planned) {
            throw new BenchMain.CheckFailed("Gatling exit " + rc + ", requests " + counted + " of " + planned
                    + " planned; see " + run.log());
        }
    }

    /** Forks Gatling on AdmissionSimulation, samples the server's CPU (and JFR if asked) meanwhile, and waits. */
    private static Run gatling(BenchServer server, Path out, Plan plan, boolean profile, Path jfrFile)
            throws Exception {
        Path numbers = out.resolve("admission.properties");
        Path log = out.resolve("gatling.log");
        Files.deleteIfExists(numbers);
        Process process = new ProcessBuilder(command(server, out, plan, numbers)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        CpuSampler cpu = new CpuSampler(server::cpuNanos);
        cpu.start();
        JfrProfile jfr = new JfrProfile(server.jmx());
        Files.deleteIfExists(jfrFile);
        if (profile) {
            jfr.start();
        }
        try {
            if (!process.waitFor(plan.timeoutSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Gatling did not finish within " + plan.timeoutSeconds() + " s; see "
                        + log);
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
        return new Run(rc, p, text, log, cpu);
    }

    private static List<String> command(BenchServer server, Path out, Plan plan, Path numbers) throws IOException {
        Path logback = out.resolve("gatling-logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        return new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + Props.text("bench.gatling.heap", "1g"),
                // as Gatling's own launchers do: its log writer reads String internals
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dlogback.configurationFile=" + logback,
                "-cp", System.getProperty("java.class.path"),
                "-Dbench.httpPort=" + server.port(),
                "-Dbench.users=" + server.users(),
                "-Dbench.gatling.vus=" + plan.vus(),
                "-Dbench.gatling.iterations=" + plan.iterations(),
                "-Dbench.gatling.warmupIterations=" + plan.warmup(),
                "-Dbench.gatling.rounds=" + plan.rounds(),
                "-Dbench.gatling.out=" + numbers,
                "io.gatling.app.Gatling",
                "-s", "dev.wsquota.bench.gatling.AdmissionSimulation",
                "-rf", out.resolve("gatling").toString(),
                "-rd", "wsquota managed vs bare"));
    }

    private static void describe(Results results, Plan plan) {
        int iterations = plan.iterations();
        int vus = plan.vus();
        int warmup = plan.warmup();
        int rounds = plan.rounds();
        results.line(SECTION, "Each virtual user is its own bench user and does, " + iterations + " times: connect "
                + "-> wait for the welcome -> 10 echoes (each awaited) -> close. " + vus + " virtual users at once "
                + "per phase; phases run one after another: warm-up (managed, fair, bare; " + warmup + " iterations "
                + "each), then managed, fair, bare in turn for " + rounds + " rounds. managed = the product (/ws); "
                + "fair = the bare endpoint in a WAR with CDI on (beans.xml, all), in the same server with the same "
                + "features, so fair - bare is the cost of the platform features in the application and managed - "
                + "fair the cost of the quota layer; bare = the bare endpoint in a WAR without CDI. connections/s = "
                + "completed connect..close cycles / summed phase wall time. Latency = just before the connect "
                + "action until the welcome check passed (the welcome is the admission signal), over every measured "
                + "connection. Gatling report: target/bench/gatling/.");
    }

    /** The table of rates and latencies per endpoint and their ratios, and the sentence that compares them. */
    private static void endpointTable(Results results, Properties p) {
        List<List<?>> rows = new ArrayList<>();
        int n = ENDPOINTS.length;
        double[] rate = new double[n];
        long[][] lat = new long[n][];
        for (int i = 0; i < n; i++) {
            String e = ENDPOINTS[i];
            long conns = Long.parseLong(p.getProperty(e + ".connections", "0"));
            long nanos = Long.parseLong(p.getProperty(e + ".nanos", "1"));
            rate[i] = conns / (nanos / 1e9);
            lat[i] = new long[] {num(p, e, "p50"), num(p, e, "p95"), num(p, e, "p99"), num(p, e, "mean"),
                    num(p, e, "max")};
            rows.add(List.of(e, conns, Results.fmt(nanos / 1e9, 1), Results.fmt(rate[i], 0),
                    ms(lat[i][0]), ms(lat[i][1]), ms(lat[i][2]), ms(lat[i][3]), ms(lat[i][4])));
        }
        for (int[] pair : RATIOS) {
            int a = pair[0];
            int b = pair[1];
            rows.add(List.of(ENDPOINTS[a] + " / " + ENDPOINTS[b], "", "", Results.fmt(rate[a] / rate[b], 3),
                    ratio(lat[a][0], lat[b][0]), ratio(lat[a][1], lat[b][1]), ratio(lat[a][2], lat[b][2]),
                    ratio(lat[a][3], lat[b][3]), ratio(lat[a][4], lat[b][4])));
        }
        results.table(SECTION, List.of("endpoint", "connections", "phase time (s)", "connections/s",
                "p50 (ms)", "p95 (ms)", "p99 (ms)", "mean (ms)", "max (ms)"), rows);
        results.line(SECTION, "Managed reaches " + Results.fmt(100 * rate[0] / rate[1], 1) + "% of the fair "
                + "baseline's connection rate (target: 90%) and " + Results.fmt(100 * rate[0] / rate[2], 1) + "% of "
                + "bare's; the fair baseline reaches " + Results.fmt(100 * rate[1] / rate[2], 1) + "% of bare's. "
                + "Managed's connect-to-welcome latency is " + relative(lat[0][0], lat[1][0]) + " the fair "
                + "baseline's at p50, " + relative(lat[0][1], lat[1][1]) + " at p95 and "
                + relative(lat[0][2], lat[1][2]) + " at p99.");
    }

    /** The per-phase table, and server CPU per connection by endpoint when every endpoint has its samples. */
    private static PhaseCpu phaseCpu(Results results, Properties p, CpuSampler cpu) {
        int n = ENDPOINTS.length;
        List<List<?>> phases = new ArrayList<>();
        double[] cpuNanos = new double[n];
        long[] cpuConns = new long[n];
        for (String phase : p.getProperty("phases").split(",")) {
            long c = Long.parseLong(p.getProperty("phase." + phase + ".connections"));
            long t = Long.parseLong(p.getProperty("phase." + phase + ".nanos"));
            double used = cpu.between(Long.parseLong(p.getProperty("phase." + phase + ".start")),
                    Long.parseLong(p.getProperty("phase." + phase + ".end")));
            phases.add(List.of(phase, c, Results.fmt(t / 1e9, 2), Results.fmt(c / (t / 1e9), 0),
                    used < 0 ? "-" : Results.fmt(used / 1e3 / c, 0), used < 0 ? "-" : Results.fmt(100 * used / t, 0)));
            int i = endpointOf(phase);
            if (i >= 0 && used >= 0) {
                cpuNanos[i] += used;
                cpuConns[i] += c;
            }
        }
        PhaseCpu sums = new PhaseCpu(cpuNanos, cpuConns);
        if (sums.complete()) {
            double cm = cpuNanos[0] / cpuConns[0] / 1e3;
            double cf = cpuNanos[1] / cpuConns[1] / 1e3;
            double cb = cpuNanos[2] / cpuConns[2] / 1e3;
            results.item(SECTION, "server CPU per connection (connect, welcome, 10 echoes, close)",
                    "managed " + Results.fmt(cm, 0) + " us, fair " + Results.fmt(cf, 0) + " us, bare "
                            + Results.fmt(cb, 0) + " us; from the server's ProcessCpuTime sampled every 100 ms over"
                            + " each phase");
            results.item(SECTION, "cost of the quota layer (managed - fair)", Results.fmt(cm - cf, 0)
                    + " us per connection (" + Results.fmt(100 * (cm - cf) / cf, 1)
                    + "% of fair; target: under 300 us)");
            results.item(SECTION, "cost of the platform features in the application (fair - bare)",
                    Results.fmt(cf - cb, 0) + " us per connection (" + Results.fmt(100 * (cf - cb) / cb, 1)
                            + "% of bare)");
        }
        results.line(SECTION, "Per phase (in run order):");
        results.table(SECTION, List.of("phase", "connections", "time (s)", "connections/s",
                "server CPU per connection (us)", "server CPU use (% of one core)"), phases);
        return sums;
    }

    /** Server CPU per connection by component and endpoint, from the JFR samples of the measured phases. */
    private static void profileTable(Results results, Properties p, Path jfrFile, double[] cpuNanos, long[] cpuConns)
            throws Exception {
        int n = ENDPOINTS.length;
        List<Map<String, Long>> counts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            counts.add(new java.util.LinkedHashMap<>());
        }
        for (String phase : p.getProperty("phases").split(",")) {
            int i = endpointOf(phase);
            if (i < 0) {
                continue;
            }
            Map<String, Long> c = JfrProfile.count(jfrFile,
                    Long.parseLong(p.getProperty("phase." + phase + ".startMillis")),
                    Long.parseLong(p.getProperty("phase." + phase + ".endMillis")));
            c.forEach((k, v) -> counts.get(i).merge(k, v, Long::sum));
        }
        long[] total = new long[n];
        double[] perConn = new double[n];
        for (int i = 0; i < n; i++) {
            total[i] = counts.get(i).getOrDefault("", 0L);
            perConn[i] = cpuNanos[i] / cpuConns[i] / 1e3;
            if (total[i] == 0) {
                results.line(SECTION, "JFR: no execution samples in the measured " + ENDPOINTS[i] + " phases.");
                return;
            }
        }
        List<List<?>> rows = new ArrayList<>();
        for (String component : JfrProfile.COMPONENTS.keySet()) {
            double[] us = new double[n];
            List<Object> row = new ArrayList<>(List.of(component));
            for (int i = 0; i < n; i++) {
                double share = counts.get(i).getOrDefault(component, 0L) / (double) total[i];
                us[i] = share * perConn[i];
                row.add(Results.fmt(100 * share, 1));
            }
            for (int i = 0; i < n; i++) {
                row.add(Results.fmt(us[i], 0));
            }
            row.add(Results.fmt(us[0] - us[1], 0));
            rows.add(row);
        }
        rows.add(List.of("all server CPU", "100", "100", "100", Results.fmt(perConn[0], 0), Results.fmt(perConn[1], 0),
                Results.fmt(perConn[2], 0), Results.fmt(perConn[0] - perConn[1], 0)));
        results.line(SECTION, "Where the server's CPU goes (JFR execution samples of the server during the measured "
                + "phases: " + total[0] + " managed, " + total[1] + " fair, " + total[2] + " bare; a sample counts for "
                + "every component on its stack, so rows overlap; us = share x server CPU per connection). Recording: "
                + "target/bench/server-admission.jfr.");
        results.table(SECTION, List.of("component (frames on the stack)", "managed %", "fair %", "bare %",
                "managed us/conn", "fair us/conn", "bare us/conn", "managed - fair (us)"), rows);
        List<List<?>> top = new ArrayList<>();
        for (Map.Entry<String, Long> frame : JfrProfile.topQuotaFrames(jfrFile, p, "managed-", 15).entrySet()) {
            top.add(List.of(frame.getKey(), Results.fmt(100.0 * frame.getValue() / total[0], 1),
                    Results.fmt(frame.getValue() / (double) total[0] * perConn[0], 0)));
        }
        if (!top.isEmpty()) {
            results.line(SECTION, "Managed phases: the quota layer's own calls (samples whose innermost dev.wsquota "
                    + "frame is not a filter passing the request on) and what they call, inclusive (a sample counts "
                    + "once per method on its stack), top 15:");
            results.table(SECTION, List.of("method", "% of managed samples", "us/connection"), top);
        }
    }

    /** Index in {@link #ENDPOINTS} of a measured phase ("managed-1" -> 0), -1 for warm-ups. */
    private static int endpointOf(String phase) {
        for (int i = 0; i < ENDPOINTS.length; i++) {
            if (phase.startsWith(ENDPOINTS[i] + "-")) {
                return i;
            }
        }
        return -1;
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
