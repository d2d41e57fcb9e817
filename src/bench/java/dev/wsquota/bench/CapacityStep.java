package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Step 3: holds users x perUser connections open at once on the managed endpoint, then the same number
 * on the bare one, and measures the server: heap used after full GCs and process RSS, each against a
 * baseline taken just before with nothing open. The heap is fixed and pre-touched (-Xms = -Xmx,
 * AlwaysPreTouch), so an RSS delta is memory outside the Java heap (sockets, buffers, threads).
 * Managed is measured first, so anything it leaves resident counts against bare, not for managed.
 */
final class CapacityStep {

    static final String SECTION = "3. Capacity: concurrent connections held";

    private CapacityStep() {
    }

    record Hold(String endpoint, int planned, int held, int failed, double fillSeconds, long heapBefore, long heapHeld,
                long rssBefore, long rssHeld, long fdsHeld, int serverCount, long heapAfterClose,
                        ClassHistogram added) {
        double heapPerConnection() {
            return (heapHeld - heapBefore) / (double) held;
        }

        double rssPerConnection() {
            return (rssHeld - rssBefore) / (double) held;
        }

        /** Heap still used after every connection closed, per connection that was held: a leak shows here. */
        double retainedPerConnection() {
            return (heapAfterClose - heapBefore) / (double) held;
        }
    }

    static void run(Results results, BenchServer server) throws Exception {
        int users = Math.min(Props.integer("bench.capacity.users", 2000), server.users());
        int perUser = Props.integer("bench.capacity.perUser", 5);
        int window = Props.integer("bench.capacity.inFlight", 100);
        ManagerFactoryMXBean factory = server.factory();
        awaitNoManagers(factory);

        // An unmeasured hold first, so the container's pools and caches have grown before either measurement.
        hold(server, server.bare(), "warm-up (bare)", users, perUser, window, factory);
        Hold managed = hold(server, server.managed(), "managed", users, perUser, window, factory);
        Hold fair = hold(server, server.fair(), "fair", users, perUser, window, factory);
        Hold bare = hold(server, server.bare(), "bare", users, perUser, window, factory);

        results.line(SECTION, users + " users x " + perUser + " connections = " + users * perUser + " held at once per "
                + "endpoint (each connection opened, welcomed, then left open; at most " + window + " handshakes in "
                + "flight). Heap = used after explicit full GCs (min of 3), before vs. while held. RSS = server "
                        + "process "
                + "VmRSS; the heap is fixed and pre-touched, so RSS deltas are memory outside the Java heap. "
                + "An unmeasured hold of the same size (bare) runs first so container pools have grown; then managed, "
                + "fair (the bare endpoint in a CDI-enabled WAR), then bare. 'retained after close' = heap after "
                        + "closing all and GC minus heap before: a leak shows there.");
        List<List<?>> rows = new ArrayList<>();
        for (Hold h : List.of(managed, fair, bare)) {
            rows.add(List.of(h.endpoint(), h.held() + " / " + h.planned(), h.failed(), Results.fmt(h.fillSeconds(), 1),
                    Results.mib(h.heapBefore()), Results.mib(h.heapHeld()), Results.kib(h.heapPerConnection()),
                    Results.mib(h.rssBefore()), Results.mib(h.rssHeld()), Results.kib(h.rssPerConnection()),
                    h.fdsHeld(), h.serverCount() < 0 ? "-" : h.serverCount(),
                            Results.fmt(h.retainedPerConnection(), 0)));
        }
        results.table(SECTION, List.of("endpoint", "held / planned", "failed", "fill time (s)", "heap before",
                "heap held", "heap per connection", "RSS before", "RSS held", "RSS per connection",
                "server fds held", "ActiveManagers held", "retained after close (bytes/connection)"), rows);
        double heapOverhead = managed.heapPerConnection() - bare.heapPerConnection();
        double rssOverhead = managed.rssPerConnection() - bare.rssPerConnection();
        results.item(SECTION, "overhead per managed connection (heap, managed - bare)",
                Results.fmt(heapOverhead, 0) + " bytes (" + Results.kib(heapOverhead) + ")");
        results.item(SECTION, "overhead per managed connection (RSS outside the heap, managed - bare)",
                Results.fmt(rssOverhead, 0) + " bytes (" + Results.kib(rssOverhead) + ")");
        results.item(SECTION, "overhead per managed connection (heap, managed - fair)", Results.fmt(
                managed.heapPerConnection() - fair.heapPerConnection(), 0) + " bytes (" + Results.kib(
                managed.heapPerConnection() - fair.heapPerConnection()) + "; target: under 1 KiB above bare)");
        results.item(SECTION, "managed heap per connection / bare heap per connection",
                Results.fmt(managed.heapPerConnection() / bare.heapPerConnection(), 3));
        histogramTable(results, managed, fair, bare);
        if (managed.held() != managed.planned() || fair.held() != fair.planned() || bare.held() != bare.planned()) {
            throw new BenchMain.CheckFailed("held " + managed.held() + " managed, " + fair.held() + " fair and "
                    + bare.held() + " bare of "
                    + managed.planned() + " planned");
        }
        if (managed.serverCount() != managed.planned()) {
            throw new BenchMain.CheckFailed("ActiveManagers was " + managed.serverCount() + " with " + managed.planned()
                    + " managed connections held");
        }
    }

    private static Hold hold(BenchServer server, URI uri, String endpoint, int users, int perUser, int window,
                             ManagerFactoryMXBean factory) throws Exception {
        System.out.println("[bench] capacity: " + endpoint + " baseline");
        long heapBefore = server.heapAfterGc();
        long rssBefore = server.rss();
        ClassHistogram histogramBefore = ClassHistogram.take(server.jmx());
        int planned = users * perUser;
        List<WsConn> conns = new ArrayList<>(planned);
        Semaphore inFlight = new Semaphore(window);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(planned);
        long t0 = System.nanoTime();
        for (int round = 0; round < perUser; round++) {
            for (int u = 0; u < users; u++) {
                inFlight.acquire();
                WsConn conn = WsConn.open(uri, BenchServer.user(u), BenchServer.PASSWORD);
                conns.add(conn);
                answers.add(conn.answer().orTimeout(60, TimeUnit.SECONDS).whenComplete((a, e) -> {
                    inFlight.release();
                    if (e != null || !a.admitted()) {
                        failed.incrementAndGet();
                    }
                }));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double fill = (System.nanoTime() - t0) / 1e9;
        int held = 0;
        for (WsConn conn : conns) {
            if (conn.answer().isDone() && !conn.answer().isCompletedExceptionally() && conn.answer().join().admitted()
                    && !conn.closed().isDone()) {
                held++;
            }
        }
        System.out.println("[bench] capacity: " + endpoint + " holding " + held + " of " + planned + " (filled in "
                + Results.fmt(fill, 1) + " s, " + failed.get() + " failed)");
        Thread.sleep(2000);
        int serverCount = endpoint.equals("managed") ? factory.getActiveManagers() : -1;
        long heapHeld = server.heapAfterGc();
        long rssHeld = server.rss();
        long fds = server.openFiles();
        ClassHistogram added = ClassHistogram.delta(histogramBefore, ClassHistogram.take(server.jmx()));
        String dumpDir = Props.text("bench.capacity.dumpDir", "");
        if (!dumpDir.isEmpty()) { // for attributing a class to its referrers offline; off by default (large files)
            String file = java.nio.file.Path.of(dumpDir, "hold-" + endpoint.replaceAll("\\W", "") + ".hprof")
                    .toAbsolutePath().toString();
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(file));
            server.jmx()
                    .invoke(new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
                    new Object[] {file, true}, new String[] {String.class.getName(), boolean.class.getName()});
            System.out.println("[bench] capacity: heap dump " + file);
        }
        System.out.println("[bench] capacity: " + endpoint + " heap " + Results.mib(heapBefore) + " -> "
                + Results.mib(heapHeld) + ", RSS " + Results.mib(rssBefore) + " -> " + Results.mib(rssHeld));

        List<CompletableFuture<Integer>> closes = new ArrayList<>(planned);
        for (WsConn conn : conns) {
            inFlight.acquire();
            closes.add(conn.close().whenComplete((c, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (endpoint.equals("managed")) {
            awaitNoManagers(factory);
        }
        Thread.sleep(1000);
        long heapAfterClose = server.heapAfterGc();
        System.out.println("[bench] capacity: " + endpoint + " closed, heap " + Results.mib(heapAfterClose));
        return new Hold(endpoint, planned, held, failed.get(), fill, heapBefore, heapHeld, rssBefore, rssHeld, fds,
                serverCount, heapAfterClose, added);
    }

    /**
     * Where the heap difference is, class by class: what each hold added (histogram while held minus the one
     * just before, both after a full collection) per held connection, for the classes where managed and bare
     * (or fair and bare) differ by at least 4 bytes per connection.
     */
    private static void histogramTable(Results results, Hold managed, Hold fair, Hold bare) {
        String sub = SECTION;
        ClassHistogram m = managed.added();
        ClassHistogram f = fair.added();
        ClassHistogram b = bare.added();
        int nm = Math.max(1, managed.held());
        int nf = Math.max(1, fair.held());
        int nb = Math.max(1, bare.held());
        java.util.Set<String> classes = new java.util.LinkedHashSet<>(ClassHistogram.differing(m, nm, b, nb, 4, 45));
        classes.addAll(ClassHistogram.differing(f, nf, b, nb, 8, 15));
        List<List<?>> rows = new ArrayList<>();
        double shownM = 0;
        double shownB = 0;
        for (String c : classes) {
            double pm = m.bytes(c) / (double) nm;
            double pf = f.bytes(c) / (double) nf;
            double pb = b.bytes(c) / (double) nb;
            shownM += pm;
            shownB += pb;
            rows.add(List.of("`" + c + "`", Results.fmt(m.instances(c) / (double) nm, 2), Results.fmt(pm, 0),
                    Results.fmt(pf, 0), Results.fmt(pb, 0), Results.fmt(pm - pb, 0), Results.fmt(pm - pf, 0)));
        }
        double tm = m.totalBytes() / (double) nm;
        double tf = f.totalBytes() / (double) nf;
        double tb = b.totalBytes() / (double) nb;
        rows.add(List.of("(the classes above)", "", Results.fmt(shownM, 0), "", Results.fmt(shownB, 0),
                Results.fmt(shownM - shownB, 0), ""));
        rows.add(List.of("(all classes)", "", Results.fmt(tm, 0), Results.fmt(tf, 0), Results.fmt(tb, 0),
                Results.fmt(tm - tb, 0), Results.fmt(tm - tf, 0)));
        results.line(sub, "Per class: bytes each hold added per held connection (class histogram of the server while "
                + "held minus just before, both after a full GC; DiagnosticCommand gcClassHistogram). Classes where "
                + "managed and bare differ by >= 4 B per connection (or fair and bare by >= 8 B).");
        results.table(sub, List.of("class", "managed instances per connection", "managed B", "fair B", "bare B",
                "managed - bare B", "managed - fair B"), rows);
    }

    private static void awaitNoManagers(ManagerFactoryMXBean factory) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (factory.getActiveManagers() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }
}
