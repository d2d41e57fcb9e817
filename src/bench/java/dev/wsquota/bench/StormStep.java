package dev.wsquota.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step 7: does one user's reconnect storm slow everyone else? The storm user ("alice") makes
 * {@code attempts} connection attempts with {@code inFlight} at once, retrying at once whatever the answer
 * (the most common real-world client loop), and holds what she is admitted. Meanwhile bystanders ("bob":
 * other users, each connecting at a pace within the handshake limit) connect, wait for the welcome and close;
 * their connect-to-welcome latency during the storm is compared with the same bystanders' latency in
 * windows without a storm, in the same run (rounds alternate: quiet window, storm).
 */
final class StormStep {

    static final String SECTION = "7. Reconnect storm: another user's connect-to-welcome during one user's storm";

    private static final java.util.concurrent.ExecutorService RETRY = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "storm-retry");
        t.setDaemon(true);
        return t;
    });

    /** The storm and the bystanders use separate clients, so bystanders never queue behind the storm in this JVM. */
    private static final java.net.http.HttpClient STORM_CLIENT = WsConn.newClient("storm-client");
    private static final java.net.http.HttpClient BYSTANDER_CLIENT = WsConn.newClient("bystander-client");

    private StormStep() {
    }

    enum Phase { WARMUP, QUIET, STORM, GAP }

    /** The storm's settings ({@code bench.storm.*}). */
    private record Plan(int attempts, int inFlight, int rounds, int bystanders, int paceMs, int quietMs,
                        int warmupMs, int warmupStorms) {

        static Plan read() {
            return new Plan(Props.integer("bench.storm.attempts", 2000), Props.integer("bench.storm.inFlight", 200),
                    Props.integer("bench.storm.rounds", 3), Props.integer("bench.storm.bystanders", 20),
                    Props.integer("bench.storm.bystanderPaceMs", 250), Props.integer("bench.storm.quietMillis", 4000),
                    Props.integer("bench.storm.warmupMillis", 10000), Props.integer("bench.storm.warmupStorms", 3));
        }
    }

    /** What the measured rounds saw: the bystanders' samples, server threads and CPU per phase, the storms. */
    private static final class Measured {
        final Map<Phase, ServerThreads.Sample> threadPeaks = new ConcurrentHashMap<>();
        final CpuSplit quietCpu;
        final CpuSplit stormCpu;
        final Map<String, LongAdder> stormAnswers = new ConcurrentHashMap<>();
        Bystanders bob;
        long stormNanos;
        int stormAttempts;

        Measured(BenchServer server) {
            quietCpu = new CpuSplit(server::cpuNanos);
            stormCpu = new CpuSplit(server::cpuNanos);
        }

        ServerThreads.Sample threads(Phase phase) {
            return threadPeaks.getOrDefault(phase, ServerThreads.NONE);
        }
    }

    /** Runs one storm measurement against the server as it is configured now; {@code label} names that setting. */
    static void run(Results results, BenchServer server, String label, boolean checked, boolean describe)
            throws Exception {
        Plan plan = Plan.read();
        if (plan.bystanders() + 1 > server.users()) {
            throw new IllegalArgumentException("bench.storm.bystanders " + plan.bystanders()
                    + " needs more bench users than " + server.users());
        }
        Measured measured = measure(server, plan);
        Percentiles quiet = Percentiles.of(measured.bob.samples(Phase.QUIET));
        Percentiles storm = Percentiles.of(measured.bob.samples(Phase.STORM));
        if (describe) {
            describe(results, plan);
        }
        results.line(SECTION, "### " + label);
        tables(results, measured, quiet, storm);
        summary(results, label, plan, measured, quiet, storm);
        if (checked) { // the latencies and the bystanders' failures are numbers to read, not checks
            List<String> failed = new ArrayList<>();
            if (measured.stormAttempts != plan.attempts() * plan.rounds()) {
                failed.add("the storm made " + measured.stormAttempts + " attempts, planned "
                        + plan.attempts() * plan.rounds());
            }
            if (quiet.count() < 20 || storm.count() < 20) {
                failed.add("too few bystander samples to compare (" + quiet.count() + " without, " + storm.count()
                        + " during)");
            }
            if (!failed.isEmpty()) {
                throw new BenchMain.CheckFailed(String.join("; ", failed));
            }
        }
    }

    /** Bystanders throughout; warm-up storms, then rounds of a quiet window and a storm; a thread dump a second. */
    private static Measured measure(BenchServer server, Plan plan) throws Exception {
        URI uri = server.managed();
        String alice = BenchServer.user(0);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "storm-bystander");
            t.setDaemon(true);
            return t;
        });
        Measured measured = new Measured(server);
        Bystanders bob = new Bystanders(uri, plan.bystanders(), plan.paceMs(), timer);
        measured.bob = bob;
        ServerThreads threads = new ServerThreads(server.jmx());
        timer.scheduleWithFixedDelay(() -> {
            Phase phase = bob.phase;
            try {
                measured.threadPeaks.merge(phase, threads.sample(), ServerThreads.Sample::max);
            } catch (RuntimeException e) {
                System.out.println("[bench] storm: a server thread dump failed: " + e);
            }
        }, 500, 1000, TimeUnit.MILLISECONDS);
        try {
            bob.phase = Phase.WARMUP;
            bob.start();
            Thread.sleep(plan.warmupMs());
            // Unmeasured storms first: right after a (re)start the JIT compilers take a core, and the storm's own code
            // paths (429, refusals at the quota) must be compiled before they are compared with the quiet ones.
            for (int round = 0; round < plan.warmupStorms(); round++) {
                storm(uri, alice, plan.attempts(), plan.inFlight(), new ConcurrentHashMap<>());
                Thread.sleep(1000);
            }
            for (int round = 0; round < plan.rounds(); round++) {
                bob.phase = Phase.QUIET;
                measured.quietCpu.begin();
                Thread.sleep(plan.quietMs());
                measured.quietCpu.end();
                bob.phase = Phase.STORM;
                measured.stormCpu.begin();
                long t0 = System.nanoTime();
                measured.stormAttempts += storm(uri, alice, plan.attempts(), plan.inFlight(), measured.stormAnswers);
                measured.stormNanos += System.nanoTime() - t0;
                measured.stormCpu.end();
                bob.phase = Phase.GAP;
                Thread.sleep(1000); // alice's held connections close; the next quiet window starts clean
            }
        } finally {
            bob.stop();
            timer.shutdownNow();
        }
        return measured;
    }

    private static void describe(Results results, Plan plan) {
        String alice = BenchServer.user(0);
        int attempts = plan.attempts();
        int inFlight = plan.inFlight();
        int bystanders = plan.bystanders();
        int paceMs = plan.paceMs();
        int rounds = plan.rounds();
        int quietMs = plan.quietMs();
        int warmupMs = plan.warmupMs();
        int warmupStorms = plan.warmupStorms();
        results.line(SECTION, "The storm user (" + alice + ", \"alice\") makes " + attempts + " connection attempts "
                + "per storm, " + inFlight + " in flight, and retries at once whatever the answer (welcome: held "
                + "until the storm ends; 1013, HTTP 429 or a failure: a new attempt at once). " + bystanders + " "
                + "bystander users (\"bob\", " + BenchServer.user(1) + "..." + BenchServer.user(bystanders) + ") "
                + "each connect every " + paceMs + " ms (within the handshake limit), wait for the welcome and "
                + "close. " + rounds + " rounds of: " + quietMs + " ms without a storm, then one storm; a bystander "
                + "connection counts for the window in which it started and ended (one that straddles a window edge "
                + "counts for neither). Storm and bystanders use separate HTTP clients in the driver, so bystanders "
                + "never queue behind the storm there. Latency = connect until the welcome. Before the measured "
                + "rounds, " + warmupMs + " ms of bystanders and " + warmupStorms + " unmeasured storm(s) warm the "
                + "server up (its JIT compilers take a core after a restart). CPU: the average cores the server and "
                + "this driver used in each kind of window. Aim: bystanders' p99 during the storm under 2x their "
                + "p99 without it.");
    }

    /** The bystanders' latencies, the server's threads and the CPU, each without and during the storm. */
    private static void tables(Results results, Measured measured, Percentiles quiet, Percentiles storm) {
        results.table(SECTION, List.of("bystanders (bob)", "connections", "p50 (ms)", "p90 (ms)", "p99 (ms)",
                "max (ms)", "refused or failed"), List.of(
                row("without a storm", quiet, measured.bob.failures(Phase.QUIET)),
                row("during the storm", storm, measured.bob.failures(Phase.STORM)),
                List.of("during / without", "", Results.fmt(ratio(storm.at(50), quiet.at(50)), 2),
                        Results.fmt(ratio(storm.at(90), quiet.at(90)), 2),
                        Results.fmt(ratio(storm.at(99), quiet.at(99)), 2), "", "")));
        ServerThreads.Sample quietThreads = measured.threads(Phase.QUIET);
        ServerThreads.Sample stormThreads = measured.threads(Phase.STORM);
        results.table(SECTION, List.of("server threads (peak of one dump a second)", "all",
                "waiting in a WebSocket close", "waiting for another write"), List.of(
                List.of("without a storm", quietThreads.threads(), quietThreads.inClose(),
                        quietThreads.waitingToWrite()),
                List.of("during the storm", stormThreads.threads(), stormThreads.inClose(),
                        stormThreads.waitingToWrite())));
        int cores = Runtime.getRuntime().availableProcessors();
        results.table(SECTION, List.of("CPU in use (average cores of " + cores + ")", "server",
                "this driver (storm and bystander clients)", "both"), List.of(
                cpuRow("without a storm", measured.quietCpu), cpuRow("during the storm", measured.stormCpu)));
    }

    /** The storm's cost per attempt, its answers, the ratios with the aim, and the same on the console. */
    private static void summary(Results results, String label, Plan plan, Measured measured, Percentiles quiet,
                                Percentiles storm) {
        String alice = BenchServer.user(0);
        int cores = Runtime.getRuntime().availableProcessors();
        CpuSplit quietCpu = measured.quietCpu;
        CpuSplit stormCpu = measured.stormCpu;
        int stormAttempts = measured.stormAttempts;
        double p50Ratio = ratio(storm.at(50), quiet.at(50));
        double p99Ratio = ratio(storm.at(99), quiet.at(99));
        double stormSeconds = measured.stormNanos / 1e9;
        double perAttemptMicros = stormAttempts == 0 ? 0
                : (stormCpu.serverCores() - quietCpu.serverCores()) * stormSeconds * 1e6 / stormAttempts;
        results.line(SECTION, "Server CPU per storm attempt, above the quiet level: "
                + Results.fmt(perAttemptMicros, 0) + " us (both cores together: "
                + Results.fmt(stormCpu.serverCores() + stormCpu.driverCores(), 2) + " of " + cores + " busy during "
                + "the storm; the storm's client runs on the same cores).");
        results.line(SECTION, "Storm (" + alice + "): " + stormAttempts + " attempts in " + plan.rounds() + " "
                + "storms, " + Results.fmt(stormSeconds, 1) + " s in all ("
                + Results.fmt(stormAttempts / Math.max(0.001, stormSeconds), 0) + " attempts/s); answers: "
                + new TreeMap<>(toCounts(measured.stormAnswers)) + ". Bystander answers other than a welcome: "
                + measured.bob.failureExamples() + ". **p50 ratio " + Results.fmt(p50Ratio, 2) + ", p99 ratio "
                + Results.fmt(p99Ratio, 2) + "** (aim < 2: " + (p99Ratio < 2 ? "met" : "NOT met") + ").");
        System.out.println("[bench] STORM " + label + ": bob p50 " + ms(quiet.at(50)) + " -> " + ms(storm.at(50))
                + " ms, p99 " + ms(quiet.at(99)) + " -> " + ms(storm.at(99)) + " ms (ratio p50 "
                + Results.fmt(p50Ratio, 2) + ", p99 " + Results.fmt(p99Ratio, 2) + "; samples " + quiet.count() + " "
                + "/ " + storm.count() + "); alice " + stormAttempts + " attempts in " + Results.fmt(stormSeconds, 1)
                + " s: " + toCounts(measured.stormAnswers) + "; server threads peak quiet "
                + measured.threads(Phase.QUIET) + ", storm " + measured.threads(Phase.STORM) + "; cores "
                + "server/driver quiet " + Results.fmt(quietCpu.serverCores(), 2) + "/"
                + Results.fmt(quietCpu.driverCores(), 2) + ", storm " + Results.fmt(stormCpu.serverCores(), 2) + "/"
                + Results.fmt(stormCpu.driverCores(), 2));
    }

    private static List<Object> row(String name, Percentiles p, long failures) {
        return List.of(name, p.count(), ms(p.at(50)), ms(p.at(90)), ms(p.at(99)), ms(p.max()), failures);
    }

    private static List<Object> cpuRow(String name, CpuSplit split) {
        return List.of(name, Results.fmt(split.serverCores(), 2), Results.fmt(split.driverCores(), 2),
                Results.fmt(split.serverCores() + split.driverCores(), 2));
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : Results.fmt(nanos / 1e6, 1);
    }

    private static double ratio(long a, long b) {
        return b <= 0 ? Double.NaN : (double) a / b;
    }

    private static Map<String, Long> toCounts(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One storm: {@code inFlight} chains of attempts until {@code attempts} were answered; returns those made. */
    private static int storm(URI uri, String user, int attempts, int inFlight, Map<String, LongAdder> answers)
            throws InterruptedException {
        AtomicInteger budget = new AtomicInteger(attempts);
        AtomicInteger made = new AtomicInteger();
        ConcurrentLinkedQueue<WsConn> held = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            attempt(uri, user, budget, made, held, answers, done);
        }
        boolean finished = done.await(120, TimeUnit.SECONDS);
        budget.set(0); // a storm cut off by the time bound makes no more attempts (in-flight ones still end)
        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        for (WsConn conn : held) {
            closes.add(conn.close());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (!finished) {
            answers.computeIfAbsent("storm not finished in 120 s", k -> new LongAdder()).increment();
        }
        return made.get();
    }

    private static void attempt(URI uri, String user, AtomicInteger budget, AtomicInteger made,
                                ConcurrentLinkedQueue<WsConn> held, Map<String, LongAdder> answers,
                                CountDownLatch done) {
        if (budget.getAndDecrement() <= 0) {
            done.countDown();
            return;
        }
        made.incrementAndGet();
        WsConn conn = WsConn.open(STORM_CLIENT, uri, user, BenchServer.PASSWORD);
        conn.answer().orTimeout(30, TimeUnit.SECONDS).whenComplete((answer, error) -> {
            String kind;
            if (error != null) {
                kind = "no answer in 30 s";
                conn.abort();
            } else if (answer.admitted()) {
                kind = "welcome";
                held.add(conn);
            } else if (answer.kind() == WsConn.Answer.Kind.CLOSED) {
                kind = "close " + answer.code();
            } else if (answer.kind() == WsConn.Answer.Kind.FAILED && answer.code() > 0) {
                kind = "HTTP " + answer.code();
            } else {
                kind = answer.kind() + " " + answer.reason();
            }
            answers.computeIfAbsent(kind, k -> new LongAdder()).increment();
            // at once (the client this step is about), on another thread so a chain of quick answers never nests
            RETRY.execute(() -> attempt(uri, user, budget, made, held, answers, done));
        });
    }

    /** The other users: each connects on its own pace, waits for the welcome, closes; samples are kept per phase. */
    private static final class Bystanders {
        private final URI uri;
        private final int users;
        private final int paceMs;
        private final ScheduledExecutorService timer;
        private final Map<Phase, ConcurrentLinkedQueue<Long>> samples = new ConcurrentHashMap<>();
        private final Map<Phase, LongAdder> failures = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<String> failureExamples = new ConcurrentLinkedQueue<>();
        volatile Phase phase = Phase.WARMUP;
        private volatile boolean running;
        private final List<CompletableFuture<Void>> stopped = new ArrayList<>();

        Bystanders(URI uri, int users, int paceMs, ScheduledExecutorService timer) {
            this.uri = uri;
            this.users = users;
            this.paceMs = paceMs;
            this.timer = timer;
        }

        void start() {
            running = true;
            for (int u = 1; u <= users; u++) {
                CompletableFuture<Void> stop = new CompletableFuture<>();
                stopped.add(stop);
                String user = BenchServer.user(u);
                timer.schedule(() -> cycle(user, stop), (long) paceMs * u / users, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            running = false;
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }

        private void cycle(String user, CompletableFuture<Void> stop) {
            if (!running) {
                stop.complete(null);
                return;
            }
            long started = System.nanoTime();
            Phase at = phase;
            WsConn conn = WsConn.open(BYSTANDER_CLIENT, uri, user, BenchServer.PASSWORD);
            conn.answer().orTimeout(30, TimeUnit.SECONDS).whenComplete((answer, error) -> {
                Phase now = phase;
                if (error == null && answer.admitted()) {
                    if (now == at) {
                        samples.computeIfAbsent(at, p -> new ConcurrentLinkedQueue<>()).add(answer.nanos());
                    }
                } else {
                    failures.computeIfAbsent(at, p -> new LongAdder()).increment();
                    if (failureExamples.size() < 5) {
                        failureExamples.add(user + ": " + (error != null ? error : answer.kind() + " " + answer.code()
                                + " " + answer.reason()));
                    }
                }
                CompletableFuture<Integer> closed = error == null && answer.admitted() ? conn.close()
                        : CompletableFuture.completedFuture(0);
                closed.whenComplete((code, e) -> {
                    if (error != null) {
                        conn.abort();
                    }
                    long wait = paceMs - (System.nanoTime() - started) / 1_000_000;
                    timer.schedule(() -> cycle(user, stop), Math.max(0, wait), TimeUnit.MILLISECONDS);
                });
            });
        }

        long[] samples(Phase p) {
            ConcurrentLinkedQueue<Long> q = samples.getOrDefault(p, new ConcurrentLinkedQueue<>());
            return q.stream().mapToLong(Long::longValue).toArray();
        }

        long failures(Phase p) {
            LongAdder n = failures.get(p);
            return n == null ? 0 : n.sum();
        }

        String failureExamples() {
            return failureExamples.isEmpty() ? "none" : String.join("; ", failureExamples);
        }
    }
}
