package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Step 7 (not in the default run): 50,000 managed connections held at once across several Liberty servers
 * on this machine, each an independent wsquota node (its own registry and quota; not one cluster), filled by
 * one load process per server ({@link ScaleClient}). One process cannot hold them: every connection takes a
 * descriptor in the server and one in its client, and the hard open-file limit here is 20,000 per process.
 * Measures heap and RSS per connection on every server, the fill rate, and a full cleanup pass, a scheduled
 * one and a ping sweep on every server while everything is held. Bounded in count and time; 127.0.0.1 only.
 */
final class ScaleOutStep {

    static final String SECTION = "7. Scale-out: managed connections held at once on several servers";
    /** As the driver's own JVM (pom.xml): with 1 common-pool thread the HttpClient starts a thread per handshake. */
    private static final String ASYNC_POOL = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4";

    private ScaleOutStep() {
    }

    /** One server and the load process that fills it. */
    private static final class Node {
        final BenchServer server;
        final ManagerFactoryMXBean factory;
        final int planned;
        final int firstUser;
        Process client;
        PrintWriter toClient;
        BufferedReader fromClient;
        long heapBefore;
        Map<String, Long> releasesBefore;
        /** Releases by cause from the start of the fill until the held count was read ("-" if none). */
        String releasedWhileFilling = "-";
        long rssBefore;
        String heldLine;
        long held;
        double fill;
        long heapHeld;
        long rssHeld;
        long fds;
        int active;
        int forced;
        long forcedServerMs;
        long scheduledServerMs = -1;
        int activeAfterSweep;
        long pongTimeouts;
        int left = -1;
        long heapAfter;

        Node(BenchServer server, int planned, int firstUser) throws IOException {
            this.server = server;
            this.factory = server.factory();
            this.planned = planned;
            this.firstUser = firstUser;
        }

        String ask(String command, long seconds) throws Exception {
            toClient.println(command);
            toClient.flush();
            return readLine(seconds);
        }

        String readLine(long seconds) throws Exception {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l; (l = fromClient.readLine()) != null; ) {
                        if (l.startsWith("scale-client")) {
                            return l;
                        }
                        System.out.println("[bench] scale-out client " + server.name() + ": " + l);
                    }
                    return "scale-client ended";
                } catch (IOException e) {
                    return "scale-client unreadable " + e;
                }
            });
            return line.get(seconds, TimeUnit.SECONDS);
        }
    }

    /** The run's settings ({@code bench.scaleout.*} and the {@code bench.scale.*} it shares with step 6). */
    private record Plan(int asked, int perUser, int window, int maxSeconds, String clientHeap, int pongTimeout) {

        static Plan read() {
            return new Plan(Props.integer("bench.scaleout.connections", 50_000),
                    Props.integer("bench.scale.perUser", 5),
                    Props.integer("bench.scale.inFlight", 100),
                    Props.integer("bench.scale.maxSeconds", 420),
                    Props.text("bench.scaleout.clientHeap", "2g"),
                    // 0 = the product's default. On a machine where 6 JVMs share 2 cores, late pongs get clients
                    // closed (4002).
                    Props.integer("bench.scaleout.pongTimeoutSeconds", 0));
        }
    }

    /** Server CPU over 8 s without pings and 8 s with a ping sweep every 2 s, and the pings answered. */
    private record Sweep(long idleCpu, long pingCpu, long pings) {
    }

    static void run(Results results, List<BenchServer> servers) throws Exception {
        Plan plan = Plan.read();
        List<Node> nodes = nodes(servers, plan);
        describe(results, plan, nodes.size());
        for (Node node : nodes) {
            node.heapBefore = node.server.heapAfterGc();
            node.releasesBefore = node.factory.getReleasesByCause();
            if (plan.pongTimeout() > 0) {
                node.factory.setPongTimeoutSeconds(plan.pongTimeout());
            }
            node.rssBefore = node.server.rss();
        }
        long t0 = System.nanoTime();
        startClients(nodes, plan);
        try {
            awaitFilled(nodes, plan, t0);
            double fill = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2_000);
            readHeld(nodes);
            forceCleanups(nodes);
            scheduledPass(nodes);
            Sweep sweep = pingSweep(nodes);
            closeAll(nodes);
            report(results, nodes, fill, plan.window(), sweep.idleCpu(), sweep.pingCpu(), sweep.pings());
        } finally {
            for (Node node : nodes) {
                if (node.client.isAlive()) {
                    node.client.destroyForcibly();
                }
            }
        }
    }

    /** One node per server, the asked connections spread evenly over them. */
    private static List<Node> nodes(List<BenchServer> servers, Plan plan) throws IOException {
        int n = servers.size();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int planned = plan.asked() / n + (i < plan.asked() % n ? 1 : 0);
            if ((planned + plan.perUser() - 1) / plan.perUser() > servers.get(i).users()) {
                throw new IllegalArgumentException(planned + " connections need more than the "
                        + servers.get(i).users() + " bench users x " + plan.perUser());
            }
            nodes.add(new Node(servers.get(i), planned, 0));
        }
        return nodes;
    }

    private static void describe(Results results, Plan plan, int n) {
        results.line(SECTION, "Asked for " + plan.asked() + " managed connections on " + n + " Liberty servers on "
                + "this machine, each an independent wsquota node (its own registry and quotas; NOT one wsquota "
                + "cluster), each filled by its own load process (a JVM running the JDK WebSocket client). One server "
                + "process cannot hold 50,000: each connection takes a descriptor in the server and one in its "
                + "client, and the hard open-file limit here is 20,000 per process (it cannot be raised). All on "
                + "127.0.0.1, one server port each.");
        results.item(SECTION, "pong timeout on every server during the run", plan.pongTimeout() > 0
                ? plan.pongTimeout() + " s, set over JMX before the fill (bench.scaleout.pongTimeoutSeconds; the "
                + "product's default is 10 s)" : "the product's default");
    }

    /** Starts one load process ({@link ScaleClient}) per server; each fills its server and reports "held". */
    private static void startClients(List<Node> nodes, Plan plan) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        for (Node node : nodes) {
            node.client = new ProcessBuilder(java, "-Xmx" + plan.clientHeap(), ASYNC_POOL, "-cp", classpath,
                    ScaleClient.class.getName(), node.server.managed().toString(), String.valueOf(node.firstUser),
                    String.valueOf(node.planned), String.valueOf(plan.perUser()), String.valueOf(plan.window()),
                    String.valueOf(plan.maxSeconds()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            node.toClient = new PrintWriter(node.client.getOutputStream(), true, StandardCharsets.UTF_8);
            node.fromClient = new BufferedReader(new InputStreamReader(node.client.getInputStream(),
                    StandardCharsets.UTF_8));
        }
    }

    private static void awaitFilled(List<Node> nodes, Plan plan, long t0) throws Exception {
        for (Node node : nodes) {
            long left = Math.max(1, plan.maxSeconds() + 90 - (System.nanoTime() - t0) / 1_000_000_000L);
            node.heldLine = node.readLine(left);
            System.out.println("[bench] scale-out " + node.server.name() + ": " + node.heldLine);
            String[] f = node.heldLine.split(" ");
            if (f.length > 8 && f[1].equals("held")) {
                node.held = Long.parseLong(f[2]);
                node.fill = Double.parseDouble(f[8]);
            }
        }
    }

    /** What every server holds once filled: its count, what it released meanwhile, heap, RSS, descriptors. */
    private static void readHeld(List<Node> nodes) throws Exception {
        for (Node node : nodes) {
            node.active = node.factory.getActiveManagers();
            node.releasedWhileFilling = released(node.releasesBefore, node.factory.getReleasesByCause());
            System.out.println("[bench] scale-out " + node.server.name() + ": ActiveManagers " + node.active
                    + ", released while filling: " + node.releasedWhileFilling);
            node.heapHeld = node.server.heapAfterGc();
            node.rssHeld = node.server.rss();
            node.fds = node.server.openFiles();
        }
    }

    private static void forceCleanups(List<Node> nodes) {
        for (Node node : nodes) {
            long c0 = System.nanoTime();
            node.forced = node.factory.forceCleanup();
            node.forcedServerMs = node.factory.getLastCleanupDurationMillis();
            System.out.println("[bench] scale-out " + node.server.name() + ": forceCleanup " + node.forced + " in "
                    + Results.fmt((System.nanoTime() - c0) / 1e6, 1) + " ms round trip");
        }
    }

    /** A scheduled pass (suspects + sample) on every server at once: interval 2 s, wait for one pass each. */
    private static void scheduledPass(List<Node> nodes) throws InterruptedException {
        int n = nodes.size();
        long[] runs = new long[n];
        int[] interval = new int[n];
        for (int i = 0; i < n; i++) {
            runs[i] = nodes.get(i).factory.getCleanupRuns();
            interval[i] = nodes.get(i).factory.getCleanupIntervalSeconds();
            nodes.get(i).factory.setCleanupIntervalSeconds(2);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            while (node.factory.getCleanupRuns() == runs[i] && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            node.scheduledServerMs = node.factory.getCleanupRuns() > runs[i]
                    ? node.factory.getLastCleanupDurationMillis() : -1;
        }
        for (int i = 0; i < n; i++) {
            nodes.get(i).factory.setCleanupIntervalSeconds(interval[i]);
        }
    }

    /** Ping sweep on every server at once: CPU of all servers over 8 s with pings vs 8 s without. */
    private static Sweep pingSweep(List<Node> nodes) throws Exception {
        long idleCpu = cpuOver(nodes, 8);
        long pings0 = pings(nodes);
        List<Map<String, Long>> releases0 = new ArrayList<>();
        List<Integer> intervals = new ArrayList<>();
        for (Node node : nodes) {
            releases0.add(node.factory.getReleasesByCause());
            intervals.add(node.factory.getPingIntervalSeconds());
            node.factory.setPingIntervalSeconds(2);
        }
        long pingCpu = cpuOver(nodes, 8);
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            node.factory.setPingIntervalSeconds(intervals.get(i));
            node.pongTimeouts = node.factory.getReleasesByCause().getOrDefault("PONG_TIMEOUT", 0L)
                    - releases0.get(i).getOrDefault("PONG_TIMEOUT", 0L);
            node.activeAfterSweep = node.factory.getActiveManagers();
        }
        return new Sweep(idleCpu, pingCpu, pings(nodes) - pings0);
    }

    /** Tells every load process to close its connections, then waits (bounded) for every server to hold none. */
    private static void closeAll(List<Node> nodes) throws Exception {
        for (Node node : nodes) {
            node.toClient.println("close");
        }
        for (Node node : nodes) {
            System.out.println("[bench] scale-out " + node.server.name() + ": " + node.readLine(120));
            node.client.waitFor(30, TimeUnit.SECONDS);
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Node node : nodes) {
            while (node.factory.getActiveManagers() != 0 && System.nanoTime() < drainUntil) {
                Thread.sleep(200);
            }
            node.left = node.factory.getActiveManagers();
            node.heapAfter = node.server.heapAfterGc();
        }
    }

    /** The releases by cause between two readings of ReleasesByCause, e.g. "CLOSE 12, PONG_TIMEOUT 3", or "-". */
    private static String released(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder text = new StringBuilder();
        after.forEach((cause, count) -> {
            long delta = count - before.getOrDefault(cause, 0L);
            if (delta != 0) {
                text.append(text.length() == 0 ? "" : ", ").append(cause).append(' ').append(delta);
            }
        });
        return text.length() == 0 ? "-" : text.toString();
    }

    private static void report(Results results, List<Node> nodes, double fill, int window, long idleCpu, long pingCpu,
                               long pings) throws BenchMain.CheckFailed {
        List<List<?>> rows = new ArrayList<>();
        long planned = 0;
        long held = 0;
        long active = 0;
        long heapDelta = 0;
        long rssDelta = 0;
        long heapHeldTotal = 0;
        long rssHeldTotal = 0;
        long pongTimeouts = 0;
        long activeAfter = 0;
        long left = 0;
        for (Node node : nodes) {
            planned += node.planned;
            held += node.held;
            active += node.active;
            heapDelta += node.heapHeld - node.heapBefore;
            rssDelta += node.rssHeld - node.rssBefore;
            heapHeldTotal += node.heapHeld;
            rssHeldTotal += node.rssHeld;
            pongTimeouts += node.pongTimeouts;
            activeAfter += node.activeAfterSweep;
            left += node.left;
            rows.add(List.of(node.server.name() + " (" + node.server.managed() + ")", node.held + " / " + node.planned,
                    node.active, Results.fmt(node.fill, 1),
                    Results.mib(node.heapBefore) + " / " + Results.mib(node.heapHeld),
                    Results.kib((node.heapHeld - node.heapBefore) / (double) Math.max(1, node.held)),
                    Results.mib(node.rssBefore) + " / " + Results.mib(node.rssHeld),
                    Results.kib((node.rssHeld - node.rssBefore) / (double) Math.max(1, node.held)), node.fds,
                    node.forced + ", " + node.forcedServerMs + " ms",
                    node.scheduledServerMs < 0 ? "no pass in 15 s" : node.scheduledServerMs + " ms", node.pongTimeouts,
                    node.activeAfterSweep, node.left + ", " + Results.mib(node.heapAfter)));
        }
        rows.add(List.of("all servers", held + " / " + planned, active, Results.fmt(fill, 1) + " (wall)",
                Results.mib(heapHeldTotal) + " held", Results.kib(heapDelta / (double) Math.max(1, held)),
                Results.mib(rssHeldTotal) + " held", Results.kib(rssDelta / (double) Math.max(1, held)), "", "", "",
                pongTimeouts, activeAfter, left));
        results.table(SECTION, List.of("server", "held / planned", "ActiveManagers held", "fill time (s)",
                "heap before / held (after full GCs)", "heap per held connection", "RSS before / held",
                "RSS per held connection (outside the pre-touched heap)", "server fds held",
                "forceCleanup while held: reclaimed, server ms", "scheduled pass while held: server ms",
                "pong timeouts in the sweep", "ActiveManagers after the sweep",
                "after closing all: ActiveManagers, heap"), rows);
        results.item(SECTION, "held at once, all servers", held + " of " + planned);
        results.item(SECTION, "fill rate, all servers", Results.fmt(held / fill, 0) + " connections/s ("
                + Results.fmt(fill, 1) + " s wall; each client at most " + window + " handshakes in flight)");
        results.item(SECTION, "ping sweep, interval 2 s for 8 s on every server: pings the clients got",
                pings + " (" + Results.fmt(pings / (double) Math.max(1, held), 2) + " per connection), pong timeouts "
                        + pongTimeouts);
        results.item(SECTION, "CPU of all servers over 8 s: without pings / with pings (per ping)",
                Results.fmt(idleCpu / 1e6, 0) + " ms / " + Results.fmt(pingCpu / 1e6, 0) + " ms (" + (pings == 0 ? "-"
                : Results.fmt((pingCpu - idleCpu) / 1e3 / pings, 1) + " us)"));
        for (Node node : nodes) {
            results.item(SECTION, "released by the server from the start of the fill until held was read, "
                    + node.server.name(), node.releasedWhileFilling);
            if (!node.heldLine.contains(" failed 0 ")) {
                results.item(SECTION, "client of " + node.server.name(), node.heldLine);
            }
        }
        if (held != planned || active != held || activeAfter != held || left != 0) {
            throw new BenchMain.CheckFailed("scale-out: held " + held + " of " + planned + ", ActiveManagers " + active
                    + " -> " + activeAfter + ", left after close " + left);
        }
    }

    private static long pings(List<Node> nodes) throws Exception {
        long total = 0;
        for (Node node : nodes) {
            String line = node.ask("pings", 30);
            String[] f = line.split(" ");
            if (f.length < 3 || !f[1].equals("pings")) {
                throw new IllegalStateException("client of " + node.server.name() + " answered: " + line);
            }
            total += Long.parseLong(f[2]);
        }
        return total;
    }

    private static long cpuOver(List<Node> nodes, int seconds) throws Exception {
        long c0 = 0;
        for (Node node : nodes) {
            c0 += node.server.cpuNanos();
        }
        Thread.sleep(seconds * 1000L);
        long c1 = 0;
        for (Node node : nodes) {
            c1 += node.server.cpuNanos();
        }
        return c1 - c0;
    }
}
