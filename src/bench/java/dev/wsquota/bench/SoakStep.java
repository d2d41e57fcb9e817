package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step 5: churn soak against the managed endpoint. {@code lanesPerUser} (quota + 1) loops per user
 * connect, wait for the answer, echo, hold a moment, then close (or abort without a close frame),
 * over and over until {@code connections} attempts were made or {@code maxSeconds} passed. Meanwhile a
 * JMX thread forces cleanups, changes the cleanup interval and samples every user's count.
 *
 * <p>What the client knows, per user: the connections the server MAY hold ("may hold": from the start
 * of a connect until the server's close frame arrived, or the answer was a rejection; an aborted one
 * for {@code abortSettleMs} more). For each connect it remembers the most the other connections of that
 * user may have held while it waited for the answer. A 1013 is a TRUE rejection if that was at least the
 * quota (the server may really have been full), a FALSE rejection if not (the server provably held
 * fewer than the quota: a slot was lost or leaked).
 *
 * <p>The server's side: every welcome carries "active", the user's count the server had right after
 * admitting it, under the user's lock; the highest seen per user is the server's high-water mark
 * (counts only grow at admissions). An admission with active > quota is an over-admission.
 *
 * <p>At the end, after one cleanup interval: user u keeps u % quota connections open, and every
 * user's count on the server must equal that (drift part 1); then they close and, after one more
 * interval, every count must be 0 (drift part 2). Drift = sum of |server - client| over users.
 */
final class SoakStep {

    static final String SECTION = "5. Churn soak";
    /** The product's liveness defaults (microprofile-config.properties): with them a false kill fails the run. */
    static final int DEFAULT_PING_SECONDS = 20;
    static final int DEFAULT_PONG_SECONDS = 10;

    private SoakStep() {
    }

    /** One connect attempt; {@code maxOthers} is guarded by its user's monitor. */
    static final class Attempt {
        int maxOthers;
    }

    /** What the client knows of one user. */
    static final class UserState {
        final int index;
        final String name;
        int mayHold;
        final List<Attempt> pending = new ArrayList<>();
        int highestActive;

        UserState(int index) {
            this.index = index;
            this.name = BenchServer.user(index);
        }

        synchronized Attempt begin() {
            mayHold++;
            Attempt attempt = new Attempt();
            attempt.maxOthers = mayHold - 1;
            for (Attempt other : pending) {
                other.maxOthers = Math.max(other.maxOthers, mayHold - 1);
            }
            pending.add(attempt);
            return attempt;
        }

        /** The answer arrived (or will never be awaited); returns the most the others may have held meanwhile. */
        synchronized int answered(Attempt attempt) {
            pending.remove(attempt);
            return attempt.maxOthers;
        }

        synchronized void released() {
            mayHold--;
        }

        synchronized void welcomed(int active) {
            highestActive = Math.max(highestActive, active);
        }
    }

    /** Counters of the run. */
    static final class Tally {
        final LongAdder attempts = new LongAdder();
        final LongAdder admitted = new LongAdder();
        final LongAdder trueRejections = new LongAdder();
        final LongAdder falseRejections = new LongAdder();
        final LongAdder overAdmissions = new LongAdder();
        final LongAdder graceful = new LongAdder();
        final LongAdder abortedAfterWelcome = new LongAdder();
        final LongAdder abortedBeforeAnswer = new LongAdder();
        final LongAdder otherCloses = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder closeTimeouts = new LongAdder();
        final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
        final AtomicInteger exampleCount = new AtomicInteger();
        final SoakOutcomes outcomes;

        Tally(long pongTimeoutNanos) {
            outcomes = new SoakOutcomes(pongTimeoutNanos);
        }

        /** Opens a soak connection whose end is classified (false kills) once it is over. */
        WsConn open(URI uri, String user) {
            WsConn conn = WsConn.open(uri, user, BenchServer.PASSWORD);
            conn.closed().thenAccept(code -> outcomes.connectionOver(conn, code));
            return conn;
        }

        void example(String text) {
            if (exampleCount.incrementAndGet() <= 10) {
                examples.add(text);
            }
        }
    }

    /**
     * Runs the soak once per liveness setting of {@code bench.soak.liveness} ("ping/pong" in seconds, comma
     * separated; default the product's 20/10, then the aggressive 2/2), each with its own table.
     */
    static void run(Results results, BenchServer server) throws Exception {
        List<String> failures = new ArrayList<>();
        boolean first = true;
        ManagerFactoryMXBean factory = server.factory();
        int ping = factory.getPingIntervalSeconds();
        int pong = factory.getPongTimeoutSeconds();
        int probeAfter = factory.getProbeAfterSeconds();
        int cleanup = factory.getCleanupIntervalSeconds();
        try {
            runAll(results, server, failures, first);
        } finally { // the steps after this one get the server's own settings back
            factory.setPingIntervalSeconds(ping);
            factory.setPongTimeoutSeconds(pong);
            factory.setProbeAfterSeconds(probeAfter);
            factory.setCleanupIntervalSeconds(cleanup);
        }
        if (!failures.isEmpty()) {
            throw new BenchMain.CheckFailed(String.join("; ", failures));
        }
    }

    private static void runAll(Results results, BenchServer server, List<String> failures,
            boolean first) throws Exception {
        for (String setting : Props.text("bench.soak.liveness", "20/10,2/2").split("\\s*,\\s*")) {
            String[] parts = setting.split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("bench.soak.liveness wants ping/pong seconds like 20/10, was "
                        + setting);
            }
            try {
                runOnce(results, server, Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), first);
                first = false;
            } catch (BenchMain.CheckFailed e) {
                failures.add("ping " + setting + ": " + e.getMessage());
            }
        }
    }

    private static void runOnce(Results results, BenchServer server, int pingSeconds, int pongSeconds, boolean first)
            throws Exception {
        SoakPlan plan = SoakPlan.read(server, pingSeconds, pongSeconds);
        ManagerFactoryMXBean factory = server.factory();
        ServerBefore before = ServerBefore.read(factory);
        awaitEmptyRegistry(factory);
        UserState[] users = new UserState[plan.users()];
        for (int u = 0; u < users.length; u++) {
            users[u] = new UserState(u);
        }
        Tally tally = new Tally(plan.pongTimeoutNanos());
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "soak-timer");
            t.setDaemon(true);
            return t;
        });
        SoakLoad load = SoakLoad.start(factory, plan.quota());
        // The liveness setting of this run; a short probe-after so the churn exercises probes at quota.
        factory.setPingIntervalSeconds(plan.pingSeconds());
        factory.setPongTimeoutSeconds(plan.pongSeconds());
        factory.setProbeAfterSeconds(plan.probeAfterSeconds());
        long probes0 = factory.getProbes();
        SoakHolders holders = SoakHolders.open(plan, server.managed(), tally);
        ClientStalls clientStalls = new ClientStalls();
        Churn churn = churn(server, plan, users, tally, timer, clientStalls, probes0);
        load.stop();
        System.out.println("[bench] soak: churn done in " + Results.fmt(churn.seconds(), 1) + " s, "
                + tally.attempts.sum() + " attempts, lanes finished: " + churn.finished() + ", probes at quota: "
                + churn.probes() + " (ping " + pingSeconds + " s, pong timeout " + pongSeconds + " s, probe after "
                + plan.probeAfterSeconds() + " s)");
        SoakHolders.Held held = holders.close(tally);
        End end = settle(server, plan, users, tally);
        timer.shutdownNow();
        SoakRun run = new SoakRun(plan, users, tally, load, churn, held, end, before.since(factory));
        SoakReport.write(results, run, first);
        clientStalls.close();
        List<String> failed = run.failedChecks();
        if (!failed.isEmpty()) {
            throw new BenchMain.CheckFailed(String.join(", ", failed));
        }
    }

    /** The server's counters before the run, to report what the run added. */
    private record ServerBefore(long admissions, long limitHits, Map<String, Long> releases, long cleanupRuns) {

        static ServerBefore read(ManagerFactoryMXBean factory) {
            return new ServerBefore(factory.getAdmissions(), factory.getLimitHits(), factory.getReleasesByCause(),
                    factory.getCleanupRuns());
        }

        SoakRun.ServerDeltas since(ManagerFactoryMXBean factory) {
            return new SoakRun.ServerDeltas(factory.getAdmissions() - admissions, factory.getLimitHits() - limitHits,
                    delta(factory.getReleasesByCause(), releases), factory.getCleanupRuns() - cleanupRuns);
        }
    }

    private static void awaitEmptyRegistry(ManagerFactoryMXBean factory) throws InterruptedException {
        for (int wait = 0; wait < 60 && factory.getActiveManagers() != 0; wait++) {
            Thread.sleep(500); // what an earlier step or run closed may still be on its way out
        }
        if (factory.getActiveManagers() != 0) {
            throw new IllegalStateException("soak needs an empty registry, has " + factory.getActiveManagers());
        }
    }

    /** What the churn took: time, CPU on both sides, this client's stalls, and the server's probes at quota. */
    record Churn(double seconds, double serverCpuSeconds, double driverCpuSeconds, boolean finished,
                 long clientGcMillis, List<ClientStalls.Stall> stalls, long probes) {
    }

    private static Churn churn(BenchServer server, SoakPlan plan, UserState[] users, Tally tally,
                               ScheduledExecutorService timer, ClientStalls clientStalls, long probes0)
            throws Exception {
        SoakLanes lanes = new SoakLanes(server.managed(), plan, tally, timer);
        System.out.println("[bench] soak: " + plan.users() + " users x " + plan.lanesPerUser() + " lanes, "
                + plan.total() + " connections, quota " + plan.quota() + ", at most " + plan.maxSeconds() + " s");
        long t0 = System.nanoTime();
        long serverCpu0 = server.cpuNanos();
        long driverCpu0 = driverCpu();
        tally.outcomes.watch(clientStalls);
        lanes.start(users);
        boolean finished = lanes.await();
        return new Churn((System.nanoTime() - t0) / 1e9, (server.cpuNanos() - serverCpu0) / 1e9,
                (driverCpu() - driverCpu0) / 1e9, finished, clientStalls.gcMillisSinceStart(), clientStalls.stalls(),
                server.factory().getProbes() - probes0);
    }

    /** The end's counts: connections kept open and the server's, then drift held and after all closed. */
    record End(int keptOpen, int activeHeld, int driftHeld, int driftClosed, int activeAfter) {
    }

    /**
     * The end: one cleanup interval, then every user's count must equal what the client holds (user u keeps
     * u % quota open); then all close, one more interval, and every count must be 0.
     */
    private static End settle(BenchServer server, SoakPlan plan, UserState[] users, Tally tally) throws Exception {
        ManagerFactoryMXBean factory = server.factory();
        factory.setCleanupIntervalSeconds(plan.finalInterval());
        Thread.sleep(plan.settleMs());
        List<WsConn> keepers = new ArrayList<>();
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>();
        for (UserState user : users) {
            for (int k = 0; k < user.index % plan.quota(); k++) {
                WsConn conn = tally.open(server.managed(), user.name);
                keepers.add(conn);
                answers.add(conn.answer().orTimeout(60, TimeUnit.SECONDS));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        Map<String, Integer> expected = new TreeMap<>();
        int keptOpen = 0;
        for (WsConn conn : keepers) {
            WsConn.Answer answer = conn.answer().getNow(null);
            if (answer != null && answer.admitted() && !conn.closed().isDone()) {
                expected.merge(conn.user, 1, Integer::sum);
                keptOpen++;
            } else {
                tally.example("keeper of " + conn.user + " not admitted: " + answer);
            }
        }
        Thread.sleep(plan.finalInterval() * 1000L + 500);
        int driftHeld = drift(factory.getUserManagerCounts(), expected, tally);
        int activeHeld = factory.getActiveManagers();

        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        for (WsConn conn : keepers) {
            closes.add(conn.close());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        Thread.sleep(plan.finalInterval() * 1000L + 500);
        Map<String, Integer> after = factory.getUserManagerCounts();
        int driftClosed = drift(after, Map.of(), tally);
        int activeAfter = factory.getActiveManagers();
        driftClosed += Math.abs(activeAfter - after.values().stream().mapToInt(Integer::intValue).sum());
        return new End(keptOpen, activeHeld, driftHeld, driftClosed, activeAfter);
    }

    private static long driverCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static Map<String, Long> delta(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        now.forEach((cause, n) -> {
            long d = n - before.getOrDefault(cause, 0L);
            if (d != 0) {
                delta.put(cause, d);
            }
        });
        return delta;
    }

    private static int drift(Map<String, Integer> server, Map<String, Integer> client, Tally tally) {
        int drift = 0;
        TreeMap<String, Integer> all = new TreeMap<>(server);
        client.forEach(all::putIfAbsent);
        for (String user : all.keySet()) {
            int s = server.getOrDefault(user, 0);
            int c = client.getOrDefault(user, 0);
            if (s != c) {
                drift += Math.abs(s - c);
                tally.example("drift: " + user + " server " + s + " client " + c);
            }
        }
        return drift;
    }
}
