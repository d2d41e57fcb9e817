package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages to users (docs/messages.md): a sender inside the server pushes to every user of a held population
 * (users x 5 connections), first through the bare endpoint's sessions, then through the product's
 * {@code UserMessages}, in the same server and run: messages received per second, send-to-receive latency, server
 * CPU per delivery, and the ratio managed / bare. Then, on the managed endpoint, 1 % of the connections stop reading
 * while the others keep receiving: their p99, the server heap, and how each non-reader was closed (4003 expected).
 */
final class FanoutStep {

    static final String SECTION = "Messages to users: fan-out";

    private static final String MANAGED_SERVLET = "dev/wsquota/bench/fanout/ManagedFanoutServlet.class";
    private static final String BASE_SERVLET = "dev/wsquota/bench/fanout/FanoutServlet.class";

    /** Every window's rounds are numbered apart, so a late message is never counted in the next window. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ROUND =
            new java.util.concurrent.atomic.AtomicInteger();

    private FanoutStep() {
    }

    /** A profiled burst: the hottest methods (JFR samples) and the CPU time per group of server threads. */
    record Profile(JfrProfile.HotFrames frames, Map<String, Long> threadNanos, long delivered) {
    }

    /** One measured window: what the reading clients received and what the server spent. */
    record Window(String endpoint, String kind, long planned, long received, double seconds, Percentiles latency,
                  long foreign, double cpuMicrosPerDelivery, Map<String, String> sender, long late) {
        double perSecond() {
            return received / seconds;
        }
    }

    /** The connections held on one endpoint. */
    record Held(List<FanoutConn> readers, List<RawPeer> raw, List<HttpClient> clients, double fillSeconds, int failed) {
        int size() {
            return readers.size() + raw.size();
        }
    }

    static void run(Results results, BenchServer server, boolean describeServer) throws Exception {
        int users = Math.min(Props.integer("bench.fanout.users", 2000), server.users());
        int perUser = Props.integer("bench.fanout.perUser", 5);
        int nonReaders = Props.integer("bench.fanout.nonReaders", users * perUser / 100);
        int rounds = Props.integer("bench.fanout.rounds", 10);
        int pacedRounds = Props.integer("bench.fanout.pacedRounds", 10);
        double rate = Props.decimal("bench.fanout.rate", 2.0);
        int slowRounds = Props.integer("bench.fanout.slowRounds", 20);
        int pad = Props.integer("bench.fanout.padBytes", 64);
        int floodBytes = Props.integer("bench.fanout.floodBytes", 32_768);
        int floodSeconds = Props.integer("bench.fanout.floodSeconds", 60);
        int clients = Props.integer("bench.fanout.clients", 2);
        server.withClasses(MANAGED_SERVLET, BASE_SERVLET);
        server.start(describeServer ? results : null, true);
        List<Window> windows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, Object> slow = new java.util.LinkedHashMap<>();
        Map<String, Profile> profiles = new java.util.LinkedHashMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        try {
            for (String endpoint : List.of("bare", "managed")) {
                URI ws = endpoint.equals("bare") ? server.bare() : server.managed();
                URI sender = server.http(endpoint.equals("bare") ? "/bare/fanout" : "/bench-fanout");
                Held held = hold(List.of(ws), 0, endpoint, users, perUser, nonReaders, clients);
                try {
                    if (held.size() != users * perUser) {
                        failures.add(endpoint + ": held " + held.size() + " of " + users * perUser);
                        continue;
                    }
                    measure(server, http, sender, endpoint, "warm-up (unmeasured)", users, 2, 0, pad, held);
                    windows.add(measure(server, http, sender, endpoint, "burst: " + rounds + " rounds back to back",
                            users, rounds, 0, pad, held));
                    windows.add(measure(server, http, sender, endpoint, "paced: " + pacedRounds + " rounds at "
                            + Results.fmt(rate, 1) + "/s", users, pacedRounds, rate, pad, held));
                    if (Props.integer("bench.fanout.profile", 1) != 0) {
                        profiles.put(endpoint, profile(server, http, sender, endpoint, users,
                                Props.integer("bench.fanout.profileRounds", 20), pad, held));
                    }
                    if (endpoint.equals("managed") && nonReaders > 0) {
                        windows.add(slowConsumers(server, http, sender, users, slowRounds, rate, pad, floodBytes,
                                floodSeconds, held, slow, failures));
                    }
                } finally {
                    release(held);
                }
            }
        } catch (Exception e) { // what was measured so far is still reported
            failures.add("single node: " + e);
            e.printStackTrace(System.out);
        } finally {
            server.stopQuietly();
        }
        int clusterUsers = Math.min(Props.integer("bench.fanout.clusterUsers", 400), server.users());
        if (clusterUsers > 0) { // after the bench server stopped: the nodes have the cores to themselves
            try {
                cluster(server, http, clusterUsers, perUser, rounds, pacedRounds, rate, pad, clients, failures,
                        windows);
            } catch (Exception e) {
                failures.add("cluster: " + e);
                e.printStackTrace(System.out);
            }
        }
        report(results, windows, slow, users, perUser, nonReaders, floodBytes);
        reportProfiles(results, profiles, Props.integer("bench.fanout.profileRounds", 20));
        results.item(SECTION, "texts the JDK clients got outside a measured window / that were not a pushed message",
                FanoutConn.STRAY.get() + " / " + FanoutConn.UNEXPECTED.get());
        if (FanoutConn.UNEXPECTED.get() != 0) {
            failures.add(FanoutConn.UNEXPECTED.get() + " texts after the welcome were not pushed messages");
        }
        for (Window w : windows) {
            if (w.foreign() != 0) {
                failures.add(w.endpoint() + " " + w.kind() + ": " + w.foreign() + " messages named another user");
            }
            if (w.received() != w.planned()) {
                failures.add(w.endpoint() + " " + w.kind() + ": received " + w.received() + " of " + w.planned());
            }
        }
        if (!failures.isEmpty()) {
            throw new BenchMain.CheckFailed(String.join("; ", failures));
        }
    }

    /**
     * Opens users x perUser connections, round by round over the users; with two nodes, rounds from
     * {@code secondNodeFrom} on go to the second, so every user has managers on both.
     */
    private static Held hold(List<URI> nodes, int secondNodeFrom, String endpoint, int users, int perUser,
                             int nonReaders, int clientCount) throws Exception {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            clients.add(WsConn.newClient("fanout-" + endpoint + "-" + i));
        }
        int every = Math.max(1, users / Math.max(1, nonReaders));
        List<FanoutConn> readers = new ArrayList<>();
        List<RawPeer> raw = new ArrayList<>();
        List<CompletableFuture<Boolean>> welcomes = new ArrayList<>();
        Semaphore inFlight = new Semaphore(100);
        long t0 = System.nanoTime();
        int n = 0;
        for (int round = 0; round < perUser; round++) {
            for (int u = 0; u < users; u++) {
                inFlight.acquire();
                String user = BenchServer.user(u);
                URI ws = nodes.get(nodes.size() > 1 && round >= secondNodeFrom ? 1 : 0);
                CompletableFuture<Boolean> welcomed;
                if (round == perUser - 1 && u % every == 0 && raw.size() < nonReaders) {
                    RawPeer peer = RawPeer.open(ws.getPort(), user, ws.getPath());
                    raw.add(peer);
                    welcomed = peer.welcomed();
                } else {
                    FanoutConn conn = FanoutConn.open(clients.get(n++ % clients.size()), ws, user);
                    readers.add(conn);
                    welcomed = conn.welcomed();
                }
                welcomes.add(welcomed.orTimeout(60, TimeUnit.SECONDS).whenComplete((ok, e) -> inFlight.release()));
            }
        }
        CompletableFuture.allOf(welcomes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double fill = (System.nanoTime() - t0) / 1e9;
        int failed = (int) welcomes.stream().filter(w -> w.isCompletedExceptionally() || !w.join()).count();
        List<FanoutConn> liveReaders = readers.stream().filter(c -> c.welcomed().getNow(false)).toList();
        List<RawPeer> liveRaw = raw.stream().filter(p -> p.welcomed().getNow(false)).toList();
        System.out.println("[bench] fanout: " + endpoint + " holding " + (liveReaders.size() + liveRaw.size()) + " ("
                + liveRaw.size() + " raw) in " + Results.fmt(fill, 1) + " s, " + failed + " failed");
        Held held = new Held(liveReaders, liveRaw, clients, fill, failed);
        if (failed > 0) { // the failed ones are closed with the rest; the step reports the shortfall
            readers.stream().filter(c -> !c.welcomed().getNow(false)).forEach(FanoutConn::close);
            raw.stream().filter(p -> !p.welcomed().getNow(false)).forEach(RawPeer::close);
        }
        return held;
    }

    private static Window measure(BenchServer server, HttpClient http, URI sender, String endpoint, String kind,
                                  int users, int rounds, double rate, int pad, Held held) throws Exception {
        return measure(List.of(server), http, sender, endpoint, kind, users, rounds, rate, pad, held);
    }

    /** One window; the CPU counted is that of every server in {@code servers}. */
    private static Window measure(List<BenchServer> servers, HttpClient http, URI sender, String endpoint, String kind,
                                  int users, int rounds, double rate, int pad, Held held) throws Exception {
        long planned = (long) rounds * held.readers().size();
        int first = NEXT_ROUND.getAndAdd(rounds);
        FanoutLatencies window = new FanoutLatencies((int) planned, first);
        long cpu0 = cpu(servers);
        FanoutConn.window = window;
        long t0 = System.nanoTime();
        Map<String, String> answer = call(http, URI.create(sender + "?op=rounds&users=" + users + "&first=" + first
                + "&rounds=" + rounds + "&rate=" + rate + "&pad=" + pad));
        awaitReceived(window, planned);
        FanoutConn.window = null;
        long cpu1 = cpu(servers);
        double seconds = window.received() == 0 ? Double.NaN : (window.lastArrivalNanos() - t0) / 1e9;
        long delivered = Long.parseLong(answer.getOrDefault("delivered", "0"));
        Window w = new Window(endpoint, kind, planned, window.received(), seconds, window.percentiles(),
                window.foreign(), delivered == 0 ? -1 : (cpu1 - cpu0) / 1e3 / delivered, answer, window.late());
        System.out.println("[bench] fanout: " + endpoint + " " + kind + ": " + w.received() + "/" + planned + " in "
                + Results.fmt(seconds, 2) + " s = " + Results.fmt(w.perSecond(), 0) + "/s, p50 "
                + ms(w.latency().at(50)) + " ms, p99 " + ms(w.latency().at(99)) + " ms, sender " + answer);
        return w;
    }

    /**
     * One more burst, not measured, with a JFR recording of the server's execution samples (every 10 ms per
     * running thread) over it: where the server's CPU goes per endpoint. Samples only threads running Java code:
     * time inside a system call (the socket write itself) is not in them.
     */
    private static Profile profile(BenchServer server, HttpClient http, URI sender, String endpoint, int users,
                                   int rounds, int pad, Held held) throws Exception {
        Path file = Path.of(Props.text("bench.out", "target/bench")).toAbsolutePath()
                .resolve("fanout-" + endpoint + ".jfr");
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        JfrProfile jfr = new JfrProfile(server.jmx(), "1 ms");
        jfr.start();
        Thread.sleep(2000); // the recorder's sampler is running before the burst starts
        ThreadCpu threads = ThreadCpu.start(server.pid());
        long from = System.currentTimeMillis();
        Window w = measure(server, http, sender, endpoint, "profiled burst (unmeasured)", users, rounds, 0, pad, held);
        long to = System.currentTimeMillis();
        Map<String, Long> threadNanos = threads.since("Default Executo"); // the sender is one of the pool's
        jfr.stop(file);
        JfrProfile.HotFrames hot = JfrProfile.hotFrames(file, from, to, 30);
        long delivered = Long.parseLong(w.sender().getOrDefault("delivered", "0"));
        System.out.println("[bench] fanout: " + endpoint + " profile (" + file + "): threads " + threadNanos + "; "
                + hot.samples() + " samples; self " + hot.self() + "; total " + hot.total());
        return new Profile(hot, threadNanos, delivered);
    }

    /** The profiled bursts: CPU per thread group, and the methods most often on top of the stack and on it. */
    private static void reportProfiles(Results results, Map<String, Profile> profiles, int rounds) {
        if (profiles.isEmpty()) {
            return;
        }
        results.line(SECTION, "Profile: one more burst of " + rounds + " rounds per endpoint, not measured. CPU per "
                + "thread group: utime + stime of each server thread over the burst (/proc/<pid>/task), grouped by "
                + "name as Linux keeps it (15 characters; digits as N; the busiest executor thread, the sender, on "
                + "its own), per message delivered. "
                + "Methods: a JFR recording of the server over the same burst (jdk.ExecutionSample every 1 ms; only "
                + "threads running Java code are sampled, so time in system calls such as the socket write is not "
                + "in it, and a loaded machine starves the sampler). Self = the method on top of the stack; total = "
                + "the method anywhere on it (once per sample; stacks cut at 64 frames). Recordings: "
                + "target/bench/fanout-*.jfr.");
        for (Map.Entry<String, Profile> e : profiles.entrySet()) {
            Profile p = e.getValue();
            List<List<?>> threadRows = new ArrayList<>();
            long all = p.threadNanos().values().stream().mapToLong(Long::longValue).sum();
            for (Map.Entry<String, Long> t : p.threadNanos().entrySet()) {
                threadRows.add(List.of(t.getKey(), Results.fmt(t.getValue() / 1e6, 0),
                        Results.fmt(t.getValue() / 1e3 / Math.max(1, p.delivered()), 1)));
            }
            threadRows.add(List.of("all", Results.fmt(all / 1e6, 0),
                    Results.fmt(all / 1e3 / Math.max(1, p.delivered()), 1)));
            results.table(SECTION, List.of(e.getKey() + ": thread group", "CPU (ms)", "CPU per delivery (us)"),
                    threadRows);
            JfrProfile.HotFrames hot = p.frames();
            List<List<?>> rows = new ArrayList<>();
            List<Map.Entry<String, Long>> self = new ArrayList<>(hot.self().entrySet());
            List<Map.Entry<String, Long>> total = new ArrayList<>(hot.total().entrySet());
            for (int i = 0; i < Math.max(self.size(), total.size()); i++) {
                rows.add(List.of(i < self.size() ? frameCell(self.get(i), hot.samples()) : "",
                        i < total.size() ? frameCell(total.get(i), hot.samples()) : ""));
            }
            results.line(SECTION, e.getKey() + ": " + hot.samples() + " JFR samples");
            results.table(SECTION, List.of(e.getKey() + ": self", e.getKey() + ": total"), rows);
        }
    }

    private static String frameCell(Map.Entry<String, Long> frame, long samples) {
        return "`" + frame.getKey() + "` " + frame.getValue() + " (" + Results.fmt(100.0 * frame.getValue()
                / Math.max(1, samples), 1) + " %)";
    }

    /**
     * Two Liberty nodes of one cluster (as the cluster step starts them): the fan-out with every connection on the
     * first node (a one-member cluster), then with the second node up and each user's managers on both (rounds 0-2
     * of the connections on the first, the rest on the second). The sender runs on the first node.
     */
    private static void cluster(BenchServer bench, HttpClient http, int users, int perUser, int rounds,
                                int pacedRounds, double rate, int pad, int clients, List<String> failures,
                                List<Window> windows) throws Exception {
        int base = Props.integer("bench.httpPort", 29080);
        String members = "127.0.0.1:" + (base + 12) + ",127.0.0.1:" + (base + 22);
        List<String> common = List.of("-Dwsquota.handshakes-per-second=0", "-Dwsquota.cluster=hazelcast",
                "-Dwsquota.cluster.name=bench-fanout-" + ProcessHandle.current().pid(),
                "-Dwsquota.cluster.members=" + members);
        BenchServer first = BenchServer.node(bench, "N1", base + 10, base + 11,
                plus(common, "-Dwsquota.cluster.port=" + (base + 12))).withClasses(MANAGED_SERVLET, BASE_SERVLET);
        BenchServer second = BenchServer.node(bench, "N2", base + 20, base + 21,
                plus(common, "-Dwsquota.cluster.port=" + (base + 22))).withClasses(MANAGED_SERVLET, BASE_SERVLET);
        URI sender = first.http("/bench-fanout");
        try {
            first.start(null, true);
            ClusterNodesStep.awaitMembers(first, 1);
            windows.addAll(clusterWindows(List.of(first), http, sender, "cluster, 1 node", users, perUser, rounds,
                    pacedRounds, rate, pad, clients, failures));
            second.start(null, true);
            ClusterNodesStep.awaitMembers(first, 2);
            ClusterNodesStep.awaitMembers(second, 2);
            windows.addAll(clusterWindows(List.of(first, second), http, sender, "cluster, 2 nodes", users, perUser,
                    rounds, pacedRounds, rate, pad, clients, failures));
        } finally {
            second.stopQuietly();
            first.stopQuietly();
        }
    }

    private static List<Window> clusterWindows(List<BenchServer> nodes, HttpClient http, URI sender, String endpoint,
                                               int users, int perUser, int rounds, int pacedRounds, double rate,
                                               int pad, int clients, List<String> failures) throws Exception {
        Held held = hold(nodes.stream().map(BenchServer::managed).toList(), Math.min(3, perUser - 1), endpoint, users,
                perUser, 0, clients);
        try {
            if (held.size() != users * perUser) {
                failures.add(endpoint + ": held " + held.size() + " of " + users * perUser);
                return List.of();
            }
            measure(nodes, http, sender, endpoint, "warm-up (unmeasured)", users, 2, 0, pad, held);
            return List.of(
                    measure(nodes, http, sender, endpoint, "burst: " + rounds + " rounds back to back", users,
                            rounds, 0, pad, held),
                    measure(nodes, http, sender, endpoint, "paced: " + pacedRounds + " rounds at "
                            + Results.fmt(rate, 1) + "/s", users, pacedRounds, rate, pad, held));
        } finally {
            release(held);
        }
    }

    private static List<String> plus(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all;
    }

    private static long cpu(List<BenchServer> servers) throws Exception {
        long sum = 0;
        for (BenchServer server : servers) {
            sum += server.cpuNanos();
        }
        return sum;
    }

    /** Waits until every planned message arrived, or {@code bench.fanout.quietSeconds} passed without one arriving. */
    private static void awaitReceived(FanoutLatencies window, long planned) throws InterruptedException {
        long quiet = TimeUnit.SECONDS.toNanos(Props.integer("bench.fanout.quietSeconds", 40));
        long last = -1;
        long quietSince = System.nanoTime();
        while (window.received() < planned) {
            long now = window.received();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > quiet) {
                System.out.println("[bench] fanout: gave up waiting at " + now + " of " + planned);
                return;
            }
            Thread.sleep(20);
        }
    }

    /**
     * The raw peers stop reading; the paced fan-out runs on, while the sender floods each non-reader with large
     * messages by its manager id until its queue refuses one; then the non-readers read at last, to see how they
     * were closed.
     */
    private static Window slowConsumers(BenchServer server, HttpClient http, URI sender, int users, int rounds,
                                        double rate, int pad, int floodBytes, int floodSeconds, Held held,
                                        Map<String, Object> slow, List<String> failures) throws Exception {
        ManagerFactoryMXBean factory = server.factory();
        long heapBefore = server.heapAfterGc();
        long slowBefore = sum(factory.getSlowConsumerCloses());
        Map<String, Long> slowByLimitBefore = new TreeMap<>(factory.getSlowConsumerCloses());
        Map<String, Long> releasesBefore = new TreeMap<>(factory.getReleasesByCause());
        AtomicLong heapMax = new AtomicLong();
        AtomicLong queuedPeak = new AtomicLong();
        Thread sampler = heapSampler(server, heapMax, queuedPeak);
        held.raw().forEach(RawPeer::stopReading);
        String ids = String.join(",", held.raw().stream().map(RawPeer::managerId).toList());
        long t0 = System.nanoTime();
        sampler.start();
        CompletableFuture<Map<String, String>> flood = CompletableFuture.supplyAsync(() -> {
            try {
                return call(http, URI.create(sender + "?op=flood&bytes=" + floodBytes + "&seconds=" + floodSeconds
                        + "&ids=" + ids));
            } catch (Exception e) {
                throw new IllegalStateException("flood call failed: " + e, e);
            }
        });
        Window w = measure(server, http, sender, "managed", "paced: " + rounds + " rounds at " + Results.fmt(rate, 1)
                + "/s, " + held.raw().size() + " peers not reading, flooded", users, rounds, rate, pad, held);
        Map<String, String> floodAnswer = flood.get(floodSeconds + 60L, TimeUnit.SECONDS);
        long decided = waitForSlowCloses(factory, slowBefore, held.raw().size());
        double decidedSeconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join(5000);
        long heapDuring = server.heapAfterGc();
        Map<String, Long> slowByLimit = new TreeMap<>(factory.getSlowConsumerCloses());
        slowByLimit.replaceAll((k, v) -> v - slowByLimitBefore.getOrDefault(k, 0L));
        Map<Integer, Integer> codes = readAtLast(held);
        long readersClosed = held.readers().stream().filter(c -> c.closed().isDone()).count();
        long heapAfter = server.heapAfterGc();
        Map<String, Long> releases = new TreeMap<>(factory.getReleasesByCause());
        releases.replaceAll((k, v) -> v - releasesBefore.getOrDefault(k, 0L));
        releases.values().removeIf(v -> v == 0);
        slow.put("non-readers", held.raw().size());
        slow.put("releases", releases);
        slow.put("flood", floodAnswer);
        slow.put("slowDecided", decided);
        slow.put("decidedSeconds", decidedSeconds);
        slow.put("slowByLimit", slowByLimit);
        slow.put("codes", codes);
        slow.put("readersClosed", readersClosed);
        slow.put("heapBefore", heapBefore);
        slow.put("heapMaxUsed", heapMax.get());
        slow.put("heapDuring", heapDuring);
        slow.put("heapAfter", heapAfter);
        slow.put("queuedPeak", queuedPeak.get());
        System.out.println("[bench] fanout: slow consumers " + slow);
        checkSlowConsumers(held.raw().size(), decided, codes, readersClosed, failures);
        return w;
    }

    /** Samples the server's heap use and its queued bytes every 250 ms until interrupted; not started. */
    private static Thread heapSampler(BenchServer server, AtomicLong heapMax, AtomicLong queuedPeak)
            throws IOException {
        ManagerFactoryMXBean factory = server.factory();
        Thread sampler = new Thread(() -> {
            try {
                ObjectName memory = new ObjectName("java.lang:type=Memory");
                while (!Thread.currentThread().isInterrupted()) {
                    CompositeData heap = (CompositeData) server.jmx().getAttribute(memory, "HeapMemoryUsage");
                    heapMax.accumulateAndGet((Long) heap.get("used"), Math::max);
                    queuedPeak.accumulateAndGet(factory.getQueuedBytes(), Math::max);
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the window is over
            } catch (Exception e) {
                System.out.println("[bench] fanout: heap sampler stopped: " + e);
            }
        }, "fanout-heap-sampler");
        sampler.setDaemon(true);
        return sampler;
    }

    /** The non-readers read at last: how each was closed, by close code (-2: nothing within 60 s). */
    private static Map<Integer, Integer> readAtLast(Held held) {
        held.raw().forEach(RawPeer::resumeReading);
        List<CompletableFuture<Integer>> ends = held.raw().stream() // one 60 s bound for all, not one each
                .map(p -> p.closeCode().completeOnTimeout(-2, 60, TimeUnit.SECONDS)).toList();
        Map<Integer, Integer> codes = new TreeMap<>();
        for (CompletableFuture<Integer> end : ends) {
            codes.merge(end.join(), 1, Integer::sum);
        }
        return codes;
    }

    private static void checkSlowConsumers(int raw, long decided, Map<Integer, Integer> codes, long readersClosed,
                                           List<String> failures) {
        if (decided != raw) {
            failures.add("slow consumers: the server closed " + decided + " of " + raw + " non-readers with 4003");
        }
        int ended = codes.getOrDefault(4003, 0) + codes.getOrDefault(-1, 0);
        if (ended != raw) {
            failures.add("slow consumers: close codes seen by the non-readers " + codes
                    + " (4003 or a TCP end expected)");
        }
        if (readersClosed != 0) {
            failures.add("slow consumers: " + readersClosed + " reading connections were closed");
        }
    }

    private static long waitForSlowCloses(ManagerFactoryMXBean factory, long before, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long now = sum(factory.getSlowConsumerCloses()) - before;
        while (now < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = sum(factory.getSlowConsumerCloses()) - before;
        }
        return now;
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void release(Held held) throws InterruptedException {
        held.readers().forEach(FanoutConn::close);
        held.raw().forEach(RawPeer::close);
        CompletableFuture.allOf(held.readers().stream().map(c -> c.closed().completeOnTimeout(-2, 20, TimeUnit.SECONDS))
                .toArray(CompletableFuture[]::new)).join();
        Thread.sleep(1000);
    }

    private static Map<String, String> call(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(300)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        Map<String, String> values = new HashMap<>();
        for (String pair : response.body().trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    private static String ms(long nanos) {
        return Results.fmt(nanos / 1e6, 1);
    }

    private static void report(Results results, List<Window> windows, Map<String, Object> slow, int users, int perUser,
                               int nonReaders, int floodBytes) {
        results.line(SECTION, users + " users x " + perUser + " connections = " + users * perUser + " held per "
                + "endpoint (bare first, closed, then managed), " + nonReaders + " of them raw-socket clients "
                + "(reading until the last window), the rest the JDK's WebSocket client. A sender inside the server "
                + "(a bench-only servlet: `UserMessages.toUser` in the product WAR, a loop over the user's open "
                + "sessions with the blocking `sendText` in the bare WAR) sends rounds of one message to every "
                + "user; each message carries the server's `System.nanoTime()`, so the clients measure "
                + "send-to-receive latency (one machine, one monotonic clock). Counted: messages received by the "
                + "JDK clients (the raw ones are not measured); per second = received / (last arrival - start of "
                + "the sender's call). Server CPU per delivery = process CPU time over the window / deliveries the "
                + "sender reported.");
        List<List<?>> rows = new ArrayList<>();
        for (Window w : windows) {
            rows.add(List.of(w.endpoint(), w.kind(), w.received() + " / " + w.planned(), Results.fmt(w.seconds(), 2),
                    Results.fmt(w.perSecond(), 0), ms(w.latency().at(50)), ms(w.latency().at(99)),
                    ms(w.latency().max()),
                    Results.fmt(w.cpuMicrosPerDelivery(), 1), w.sender().getOrDefault("refused", "?"), w.late(),
                    w.foreign()));
        }
        results.table(SECTION, List.of("endpoint", "window", "received / planned", "seconds", "received per second",
                "p50 (ms)", "p99 (ms)", "max (ms)", "server CPU per delivery (us)", "refused",
                "earlier windows' messages arriving in it", "wrong user"), rows);
        Window bareBurst = find(windows, "bare", "burst");
        Window managedBurst = find(windows, "managed", "burst");
        Window barePaced = find(windows, "bare", "paced: ");
        Window managedPaced = find(windows, "managed", "paced: ");
        if (bareBurst != null && managedBurst != null) {
            results.item(SECTION, "managed / bare, messages received per second (burst)",
                    Results.fmt(managedBurst.perSecond() / bareBurst.perSecond(), 2) + " (aim: >= 0.8)");
            results.item(SECTION, "bare / managed, server CPU per delivery (burst; above 1 = managed costs less)",
                    Results.fmt(bareBurst.cpuMicrosPerDelivery() / managedBurst.cpuMicrosPerDelivery(), 2));
        }
        if (barePaced != null && managedPaced != null) {
            results.item(SECTION, "managed / bare, p99 latency (paced)", Results.fmt(
                    (double) managedPaced.latency().at(99) / Math.max(1, barePaced.latency().at(99)), 2));
        }
        if (windows.stream().anyMatch(w -> w.endpoint().startsWith("cluster"))) {
            results.line(SECTION, "Cluster: two Liberty nodes of one Hazelcast cluster (as the cluster step starts "
                    + "them, " + Props.text("bench.cluster.nodeHeap", "512m") + " heap each), a smaller population ("
                    + "`bench.fanout.clusterUsers` users x " + perUser + "). First every connection on node 1 (a "
                    + "one-member cluster), then with node 2 up and each user's connections 0-2 on node 1, 3-4 on "
                    + "node 2. The sender runs on node 1: each `toUser` writes to the local managers and asks node 2 "
                    + "through Hazelcast, waiting for its answer. Server CPU = both nodes.");
        }
        Window oneNode = find(windows, "cluster, 1 node", "burst");
        Window twoNodes = find(windows, "cluster, 2 nodes", "burst");
        if (oneNode != null && twoNodes != null) {
            results.item(SECTION, "cluster: two nodes / one node, messages received per second (burst; the sender on "
                    + "the first node, each user's managers on both)", Results.fmt(twoNodes.perSecond()
                    / oneNode.perSecond(), 2));
        }
        if (!slow.isEmpty()) {
            reportSlowConsumers(results, windows, slow, floodBytes, managedPaced);
        }
    }

    /** The slow-consumer window: the readers' latency, how the server closed the non-readers, heap and queues. */
    private static void reportSlowConsumers(Results results, List<Window> windows, Map<String, Object> slow,
                                            int floodBytes, Window managedPaced) {
        Window slowWindow = windows.stream().filter(w -> w.kind().contains("not reading")).findFirst().orElse(null);
        if (slowWindow == null) {
            return;
        }
        results.line(SECTION, "Slow consumers: " + slow.get("non-readers") + " connections (1 %) stop reading; the "
                + "paced fan-out goes on to every user while the sender also sends " + floodBytes + "-byte messages to "
                + "each non-reader by its manager id (`toManager`) until its queue refuses one (or it is gone). Then "
                + "the non-readers read at last, to see how the server closed them.");
        if (managedPaced != null) {
            results.item(SECTION, "the readers' p99, while 1 % did not read / before (paced)",
                    ms(slowWindow.latency().at(99)) + " ms / " + ms(managedPaced.latency().at(99)) + " ms (p50 "
                            + ms(slowWindow.latency().at(50)) + " / " + ms(managedPaced.latency().at(50)) + " ms)");
        }
        results.item(SECTION, "the flood", slow.get("flood"));
        results.item(SECTION, "closed as slow consumers by the server (SlowConsumerCloses, by limit)",
                slow.get("slowDecided") + " of " + slow.get("non-readers") + " " + slow.get("slowByLimit")
                        + ", all decided " + Results.fmt((Double) slow.get("decidedSeconds"), 1)
                        + " s after they stopped");
        results.item(SECTION, "what each non-reader got when it read at last (close code: count; -1 = the TCP "
                + "connection ended without a close frame)", slow.get("codes"));
        results.item(SECTION, "managers released from the non-readers' stop until they read their close, by cause "
                + "(ReleasesByCause; the readers are not released in that time unless counted just below)",
                slow.get("releases"));
        results.item(SECTION, "reading connections closed meanwhile", slow.get("readersClosed"));
        results.item(SECTION, "server heap used after GC: before / right after the 4003s / after the non-readers "
                + "read their close", Results.mib((Long) slow.get("heapBefore")) + " / "
                + Results.mib((Long) slow.get("heapDuring")) + " / " + Results.mib((Long) slow.get("heapAfter")));
        results.item(SECTION, "server heap used, most seen during the window (no GC forced, sampled every 250 ms)",
                Results.mib((Long) slow.get("heapMaxUsed")));
        results.item(SECTION, "bytes queued in all outbound queues, most seen (QueuedBytes, every 250 ms)",
                Results.mib((Long) slow.get("queuedPeak")));
    }

    private static Window find(List<Window> windows, String endpoint, String kindPrefix) {
        return windows.stream().filter(w -> w.endpoint().equals(endpoint) && w.kind().startsWith(kindPrefix)
                && !w.kind().contains("not reading")).findFirst().orElse(null);
    }
}
