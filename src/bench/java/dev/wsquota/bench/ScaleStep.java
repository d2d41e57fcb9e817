package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Step 6 (not in the default run): as many managed connections held at once as asked for (default 50,000)
 * or as the open-file limits of the server and of this driver allow, whichever is lower; heap and RSS
 * per connection, the fill rate, and a full cleanup pass, a scheduled one and a ping sweep while they are
 * held. Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
 */
final class ScaleStep {

    static final String SECTION = "6. Scale: managed connections held at once";

    private ScaleStep() {
    }

    /** What to hold: as many as asked, as the open-file limits allow and as the bench users can hold. */
    private record Plan(int asked, int perUser, int window, int maxSeconds, long serverFiles, long ownFiles,
                        int planned, int users) {

        static Plan read(BenchServer server) {
            int asked = Props.integer("bench.scale.connections", 50_000);
            int perUser = Props.integer("bench.scale.perUser", 5);
            int window = Props.integer("bench.scale.inFlight", 100);
            int maxSeconds = Props.integer("bench.scale.maxSeconds", 600);
            long serverFiles = softLimit(Path.of("/proc/" + server.pid() + "/limits"));
            long ownFiles = softLimit(Path.of("/proc/self/limits"));
            // Each held connection takes one descriptor in the server and one here; keep room for jars, logs,
            // sockets.
            int cap = (int) Math.min(serverFiles, ownFiles) - 1_000;
            int planned = Math.min(asked, Math.min(cap, server.users() * perUser));
            return new Plan(asked, perUser, window, maxSeconds, serverFiles, ownFiles, planned,
                    (planned + perUser - 1) / perUser);
        }
    }

    /** The numbers of one run, filled in as it goes. */
    private static final class Measured {
        final List<WsConn> conns = new ArrayList<>();
        final AtomicInteger failed = new AtomicInteger();
        long heapBefore;
        long rssBefore;
        double fill;
        int held;
        int active;
        long heapHeld;
        long rssHeld;
        long fds;
        int forced;
        double forcedMs;
        long forcedServerMs;
        long scheduledServerMs;
        long idleCpu;
        long pingCpu;
        long pings;
        long pongTimeouts;
        int activeAfter;
        int left;
        long heapAfter;
    }

    static void run(Results results, BenchServer server) throws Exception {
        Plan plan = Plan.read(server);
        ManagerFactoryMXBean factory = server.factory();
        results.line(SECTION, "Asked for " + plan.asked() + " managed connections; planned " + plan.planned()
                + ": the open-file limit is " + plan.serverFiles() + " in the server and " + plan.ownFiles()
                + " in this driver (each connection takes one in each; the hard limit here cannot be raised), and "
                + "the registry has " + server.users() + " bench users x " + plan.perUser() + ". Source address: "
                + "127.0.0.1 only (the JDK 17 WebSocket client cannot bind another; " + plan.planned()
                + " connections fit in the ephemeral port range of one address).");
        Measured m = new Measured();
        m.heapBefore = server.heapAfterGc();
        m.rssBefore = server.rss();
        Semaphore inFlight = new Semaphore(plan.window());
        fill(server, plan, inFlight, m);
        Thread.sleep(2_000);
        m.active = factory.getActiveManagers();
        m.heapHeld = server.heapAfterGc();
        m.rssHeld = server.rss();
        m.fds = server.openFiles();
        cleanups(factory, m);
        pingSweep(server, m);
        closeAll(server, inFlight, m);
        report(results, plan, m);
        if (m.held != plan.planned() || m.active != m.held || m.activeAfter != m.held || m.left != 0) {
            throw new BenchMain.CheckFailed("scale: held " + m.held + " of " + plan.planned() + ", ActiveManagers "
                    + m.active + " -> " + m.activeAfter + ", left after close " + m.left);
        }
    }

    /** Opens the planned connections, {@code perUser} rounds over the users, at most the window in flight. */
    private static void fill(BenchServer server, Plan plan, Semaphore inFlight, Measured m) throws Exception {
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(plan.planned());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.maxSeconds());
        long t0 = System.nanoTime();
        outer:
        for (int round = 0; round < plan.perUser(); round++) {
            for (int u = 0; u < plan.users() && m.conns.size() < plan.planned(); u++) {
                if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break outer;
                }
                WsConn conn = WsConn.open(server.managed(), BenchServer.user(u), BenchServer.PASSWORD);
                m.conns.add(conn);
                answers.add(conn.answer().orTimeout(60, TimeUnit.SECONDS).whenComplete((a, e) -> {
                    inFlight.release();
                    if (e != null || !a.admitted()) {
                        m.failed.incrementAndGet();
                    }
                }));
                if (m.conns.size() % 5_000 == 0) {
                    System.out.println("[bench] scale: " + m.conns.size() + " opened, " + m.failed.get() + " failed");
                }
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        m.fill = (System.nanoTime() - t0) / 1e9;
        m.held = (int) m.conns.stream().filter(c -> c.answer().isDone() && !c.answer().isCompletedExceptionally()
                && c.answer().join().admitted() && !c.closed().isDone()).count();
        System.out.println("[bench] scale: holding " + m.held + " of " + plan.planned() + " in "
                + Results.fmt(m.fill, 1) + " s");
    }

    /** A full pass (the operator's forceCleanup) and a scheduled one (suspects + sample) while everything is held. */
    private static void cleanups(ManagerFactoryMXBean factory, Measured m) throws InterruptedException {
        long c0 = System.nanoTime();
        m.forced = factory.forceCleanup();
        m.forcedMs = (System.nanoTime() - c0) / 1e6;
        m.forcedServerMs = factory.getLastCleanupDurationMillis();
        long runs = factory.getCleanupRuns();
        int interval = factory.getCleanupIntervalSeconds();
        factory.setCleanupIntervalSeconds(2);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (factory.getCleanupRuns() == runs && System.nanoTime() < waitUntil) {
            Thread.sleep(200);
        }
        m.scheduledServerMs = factory.getCleanupRuns() > runs ? factory.getLastCleanupDurationMillis() : -1;
        factory.setCleanupIntervalSeconds(interval);
    }

    /** A ping sweep over everyone: server CPU over a window with pings against an equal window without. */
    private static void pingSweep(BenchServer server, Measured m) throws Exception {
        ManagerFactoryMXBean factory = server.factory();
        m.idleCpu = cpuOver(server, 8);
        long pings0 = WsConn.PINGS.get();
        Map<String, Long> releases0 = factory.getReleasesByCause();
        int pingInterval = factory.getPingIntervalSeconds();
        factory.setPingIntervalSeconds(2);
        m.pingCpu = cpuOver(server, 8);
        factory.setPingIntervalSeconds(pingInterval);
        m.pings = WsConn.PINGS.get() - pings0;
        m.pongTimeouts = factory.getReleasesByCause().getOrDefault("PONG_TIMEOUT", 0L)
                - releases0.getOrDefault("PONG_TIMEOUT", 0L);
        m.activeAfter = factory.getActiveManagers();
    }

    /** Closes every connection (at most the window at once), then waits (bounded) for the server to hold none. */
    private static void closeAll(BenchServer server, Semaphore inFlight, Measured m) throws Exception {
        List<CompletableFuture<Integer>> closes = new ArrayList<>(m.conns.size());
        for (WsConn conn : m.conns) {
            inFlight.acquire();
            closes.add(conn.close().orTimeout(30, TimeUnit.SECONDS).whenComplete((c, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        ManagerFactoryMXBean factory = server.factory();
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (factory.getActiveManagers() != 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(200);
        }
        m.left = factory.getActiveManagers();
        m.heapAfter = server.heapAfterGc();
    }

    private static void report(Results results, Plan plan, Measured m) {
        int held = m.held;
        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of("held / planned (failed)", held + " / " + plan.planned() + " (" + m.failed.get() + ")"));
        rows.add(List.of("ActiveManagers while held", m.active));
        rows.add(List.of("fill time / fill rate", Results.fmt(m.fill, 1) + " s / " + Results.fmt(held / m.fill, 0)
                + " connections/s (at most " + plan.window() + " handshakes in flight)"));
        rows.add(List.of("heap before / held (after full GCs)", Results.mib(m.heapBefore) + " / "
                + Results.mib(m.heapHeld)));
        rows.add(List.of("heap per held connection (container + quota layer)",
                Results.kib((m.heapHeld - m.heapBefore) / (double) held)));
        rows.add(List.of("RSS before / held", Results.mib(m.rssBefore) + " / " + Results.mib(m.rssHeld)));
        rows.add(List.of("RSS per held connection (outside the pre-touched heap)",
                Results.kib((m.rssHeld - m.rssBefore) / (double) held)));
        rows.add(List.of("server descriptors while held", m.fds));
        rows.add(List.of("forceCleanup (full pass) while held: slots reclaimed, server ms, round trip ms",
                m.forced + ", " + m.forcedServerMs + " ms, " + Results.fmt(m.forcedMs, 1) + " ms"));
        rows.add(List.of("scheduled cleanup pass (suspects + sample) while held: server ms",
                m.scheduledServerMs < 0 ? "no pass within 15 s" : m.scheduledServerMs + " ms"));
        rows.add(List.of("ping sweep, interval 2 s for 8 s: pings the clients got, pong timeouts",
                m.pings + " (" + Results.fmt(m.pings / (double) held, 2) + " per connection), " + m.pongTimeouts));
        rows.add(List.of("server CPU over 8 s: without pings / with pings (per ping)",
                Results.fmt(m.idleCpu / 1e6, 0) + " ms / " + Results.fmt(m.pingCpu / 1e6, 0) + " ms ("
                        + (m.pings == 0 ? "-" : Results.fmt((m.pingCpu - m.idleCpu) / 1e3 / m.pings, 1) + " us)")));
        rows.add(List.of("ActiveManagers after the sweep", m.activeAfter));
        rows.add(List.of("after closing all: ActiveManagers, heap", m.left + ", " + Results.mib(m.heapAfter)));
        results.table(SECTION, List.of("number", "value"), rows);
    }

    private static long cpuOver(BenchServer server, int seconds) throws Exception {
        long c0 = server.cpuNanos();
        Thread.sleep(seconds * 1000L);
        return server.cpuNanos() - c0;
    }

    static long softLimit(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.trim().split("\\s+")[3];
                    return soft.equals("unlimited") ? Long.MAX_VALUE / 4 : Long.parseLong(soft);
                }
            }
        } catch (Exception e) {
            System.out.println("[bench] scale: cannot read " + limits + ": " + e);
        }
        return 20_000;
    }
}
