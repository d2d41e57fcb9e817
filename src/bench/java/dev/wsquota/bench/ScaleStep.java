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

    static void run(Results results, BenchServer server) throws Exception {
        int asked = Props.integer("bench.scale.connections", 50_000);
        int perUser = Props.integer("bench.scale.perUser", 5);
        int window = Props.integer("bench.scale.inFlight", 100);
        int maxSeconds = Props.integer("bench.scale.maxSeconds", 600);
        long serverFiles = softLimit(Path.of("/proc/" + server.pid() + "/limits"));
        long ownFiles = softLimit(Path.of("/proc/self/limits"));
        // Each held connection takes one descriptor in the server and one here; keep room for jars, logs, sockets.
        int cap = (int) Math.min(serverFiles, ownFiles) - 1_000;
        int planned = Math.min(asked, Math.min(cap, server.users() * perUser));
        int users = (planned + perUser - 1) / perUser;
        ManagerFactoryMXBean factory = server.factory();
        results.line(SECTION, "Asked for " + asked + " managed connections; planned " + planned
                + ": the open-file limit "
                + "is " + serverFiles + " in the server and " + ownFiles
                        + " in this driver (each connection takes one in "
                + "each; the hard limit here cannot be raised), and the registry has " + server.users()
                        + " bench users x "
                + perUser + ". Source address: 127.0.0.1 only (the JDK 17 WebSocket client cannot bind another; "
                + planned + " connections fit in the ephemeral port range of one address).");

        long heapBefore = server.heapAfterGc();
        long rssBefore = server.rss();
        List<WsConn> conns = new ArrayList<>(planned);
        Semaphore inFlight = new Semaphore(window);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(planned);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        long t0 = System.nanoTime();
        outer:
        for (int round = 0; round < perUser; round++) {
            for (int u = 0; u < users && conns.size() < planned; u++) {
                if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break outer;
                }
                WsConn conn = WsConn.open(server.managed(), BenchServer.user(u), BenchServer.PASSWORD);
                conns.add(conn);
                answers.add(conn.answer().orTimeout(60, TimeUnit.SECONDS).whenComplete((a, e) -> {
                    inFlight.release();
                    if (e != null || !a.admitted()) {
                        failed.incrementAndGet();
                    }
                }));
                if (conns.size() % 5_000 == 0) {
                    System.out.println("[bench] scale: " + conns.size() + " opened, " + failed.get() + " failed");
                }
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double fill = (System.nanoTime() - t0) / 1e9;
        int held = (int) conns.stream().filter(c -> c.answer().isDone() && !c.answer().isCompletedExceptionally()
                && c.answer().join().admitted() && !c.closed().isDone()).count();
        System.out.println("[bench] scale: holding " + held + " of " + planned + " in " + Results.fmt(fill, 1) + " s");
        Thread.sleep(2_000);
        int active = factory.getActiveManagers();
        long heapHeld = server.heapAfterGc();
        long rssHeld = server.rss();
        long fds = server.openFiles();

        // A full pass (the operator's forceCleanup) and a scheduled one (suspects + sample) while everything is held.
        long c0 = System.nanoTime();
        int forced = factory.forceCleanup();
        double forcedMs = (System.nanoTime() - c0) / 1e6;
        long forcedServerMs = factory.getLastCleanupDurationMillis();
        long runs = factory.getCleanupRuns();
        int interval = factory.getCleanupIntervalSeconds();
        factory.setCleanupIntervalSeconds(2);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (factory.getCleanupRuns() == runs && System.nanoTime() < waitUntil) {
            Thread.sleep(200);
        }
        long scheduledServerMs = factory.getCleanupRuns() > runs ? factory.getLastCleanupDurationMillis() : -1;
        factory.setCleanupIntervalSeconds(interval);

        // A ping sweep over everyone: server CPU over a window with pings against an equal window without.
        long idleCpu = cpuOver(server, 8);
        long pings0 = WsConn.PINGS.get();
        Map<String, Long> releases0 = factory.getReleasesByCause();
        int pingInterval = factory.getPingIntervalSeconds();
        factory.setPingIntervalSeconds(2);
        long pingCpu = cpuOver(server, 8);
        factory.setPingIntervalSeconds(pingInterval);
        long pings = WsConn.PINGS.get() - pings0;
        long pongTimeouts = factory.getReleasesByCause().getOrDefault("PONG_TIMEOUT", 0L)
                - releases0.getOrDefault("PONG_TIMEOUT", 0L);
        int activeAfter = factory.getActiveManagers();

        List<CompletableFuture<Integer>> closes = new ArrayList<>(conns.size());
        for (WsConn conn : conns) {
            inFlight.acquire();
            closes.add(conn.close().orTimeout(30, TimeUnit.SECONDS).whenComplete((c, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (factory.getActiveManagers() != 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(200);
        }
        int left = factory.getActiveManagers();
        long heapAfter = server.heapAfterGc();

        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of("held / planned (failed)", held + " / " + planned + " (" + failed.get() + ")"));
        rows.add(List.of("ActiveManagers while held", active));
        rows.add(List.of("fill time / fill rate", Results.fmt(fill, 1) + " s / " + Results.fmt(held / fill, 0)
                + " connections/s (at most " + window + " handshakes in flight)"));
        rows.add(
                List.of("heap before / held (after full GCs)", Results.mib(heapBefore) + " / "
                + Results.mib(heapHeld)));
        rows.add(
                List.of("heap per held connection (container + quota layer)",
                Results.kib((heapHeld - heapBefore) / (double) held)));
        rows.add(List.of("RSS before / held", Results.mib(rssBefore) + " / " + Results.mib(rssHeld)));
        rows.add(
                List.of("RSS per held connection (outside the pre-touched heap)",
                Results.kib((rssHeld - rssBefore) / (double) held)));
        rows.add(List.of("server descriptors while held", fds));
        rows.add(List.of("forceCleanup (full pass) while held: slots reclaimed, server ms, round trip ms",
                forced + ", " + forcedServerMs + " ms, " + Results.fmt(forcedMs, 1) + " ms"));
        rows.add(List.of("scheduled cleanup pass (suspects + sample) while held: server ms",
                scheduledServerMs < 0 ? "no pass within 15 s" : scheduledServerMs + " ms"));
        rows.add(List.of("ping sweep, interval 2 s for 8 s: pings the clients got, pong timeouts",
                pings + " (" + Results.fmt(pings / (double) held, 2) + " per connection), " + pongTimeouts));
        rows.add(
                List.of("server CPU over 8 s: without pings / with pings (per ping)", Results.fmt(idleCpu / 1e6, 0)
                + " ms / "
                + Results.fmt(pingCpu / 1e6, 0) + " ms ("
                        + (pings == 0 ? "-" : Results.fmt((pingCpu - idleCpu) / 1e3 / pings, 1)
                + " us)")));
        rows.add(List.of("ActiveManagers after the sweep", activeAfter));
        rows.add(List.of("after closing all: ActiveManagers, heap", left + ", " + Results.mib(heapAfter)));
        results.table(SECTION, List.of("number", "value"), rows);
        if (held != planned || active != held || activeAfter != held || left != 0) {
            throw new BenchMain.CheckFailed("scale: held " + held + " of " + planned + ", ActiveManagers " + active
                    + " -> "
                    + activeAfter + ", left after close " + left);
        }
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
