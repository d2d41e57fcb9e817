package dev.wsquota.bench;

import javax.management.ObjectName;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two Liberty nodes holding one cluster-wide quota against one node, in the same run: the same closed-loop
 * load (connect, welcome, close) on one node without a cluster, on one node as a one-member cluster, and
 * spread over two nodes of one cluster; then a check that the two nodes hold one quota.
 */
final class ClusterNodesStep {

    private static final long ANSWER_SECONDS = 30;

    private ClusterNodesStep() {
    }

    /** One measured phase: connections, their wall time and every connect-to-welcome latency. */
    record Phase(String name, int connections, long nanos, Percentiles latency) {
        double rate() {
            return connections / (nanos / 1e9);
        }
    }

    static void run(Results results, BenchServer bench) throws Exception {
        int vus = Props.integer("bench.cluster.vus", 40);
        int iterations = Props.integer("bench.cluster.iterations", 60);
        int warmup = Props.integer("bench.cluster.warmupIterations", 20);
        int base = Props.integer("bench.httpPort", 29080);
        String members = "127.0.0.1:" + (base + 12) + ",127.0.0.1:" + (base + 22);
        List<String> common = List.of("-Dwsquota.handshakes-per-second=0", "-Dwsquota.cluster.name=bench-"
                + ProcessHandle.current().pid(), "-Dwsquota.cluster.members=" + members);
        BenchServer single = BenchServer.node(bench, "N1", base + 10, base + 11, plus(common, "-Dwsquota.cluster=none"));
        BenchServer one = BenchServer.node(bench, "N1", base + 10, base + 11, plus(common, "-Dwsquota.cluster=hazelcast",
                "-Dwsquota.cluster.port=" + (base + 12)));
        BenchServer two = BenchServer.node(bench, "N2", base + 20, base + 21, plus(common, "-Dwsquota.cluster=hazelcast",
                "-Dwsquota.cluster.port=" + (base + 22)));
        List<Phase> phases = new ArrayList<>();
        try {
            single.start(null, false);
            phases.add(drive("one node, no cluster (wsquota.cluster=none)", List.of(single.managed()), vus, iterations, warmup));
            single.stopQuietly();
            one.start(null, false);
            awaitMembers(one, 1);
            phases.add(drive("one node, a one-member cluster", List.of(one.managed()), vus, iterations, warmup));
            two.start(null, false);
            awaitMembers(one, 2);
            awaitMembers(two, 2);
            phases.add(drive("two nodes of one cluster, load split evenly", List.of(one.managed(), two.managed()),
                    vus, iterations, warmup));
            report(results, phases, vus, iterations, warmup);
            checkOneQuota(results, one.managed(), two.managed(), vus);
        } finally {
            single.stopQuietly();
            two.stopQuietly();
            one.stopQuietly();
        }
    }

    private static List<String> plus(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * {@code vus} virtual users, each its own bench user on node {@code vu % nodes}: warm-up iterations, a
     * barrier, then measured iterations of connect, welcome, close. Every connection must be welcomed.
     */
    static Phase drive(String name, List<URI> nodes, int vus, int iterations, int warmup) throws Exception {
        System.out.println("[bench] cluster: " + name);
        CountDownLatch warm = new CountDownLatch(vus);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(vus);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger measured = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int vu = 0; vu < vus; vu++) {
            URI uri = nodes.get(vu % nodes.size());
            String user = BenchServer.user(vu);
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < warmup && failure.get() == null; i++) {
                        cycle(uri, user, failure);
                    }
                    warm.countDown();
                    go.await();
                    for (int i = 0; i < iterations && failure.get() == null; i++) {
                        long nanos = cycle(uri, user, failure);
                        if (nanos >= 0) {
                            latencies.add(nanos);
                            measured.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, "interrupted");
                } finally {
                    warm.countDown();
                    done.countDown();
                }
            }, "bench-cluster-vu-" + vu);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long bound = ANSWER_SECONDS * 2 * (warmup + iterations);
        if (!warm.await(bound, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": warm-up did not finish within " + bound + " s");
        }
        long started = System.nanoTime();
        go.countDown();
        if (!done.await(bound, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": the phase did not finish within " + bound + " s");
        }
        long nanos = System.nanoTime() - started;
        if (failure.get() != null) {
            throw new BenchMain.CheckFailed(name + ": " + failure.get());
        }
        return new Phase(name, measured.get(), nanos,
                Percentiles.of(latencies.stream().mapToLong(Long::longValue).toArray()));
    }

    /** Connect, wait for the welcome, close; the connect-to-welcome time, or -1 with the failure recorded. */
    private static long cycle(URI uri, String user, AtomicReference<String> failure) throws InterruptedException {
        WsConn conn = WsConn.open(uri, user, BenchServer.PASSWORD);
        try {
            WsConn.Answer answer = conn.answer().get(ANSWER_SECONDS, TimeUnit.SECONDS);
            if (!answer.admitted()) {
                failure.compareAndSet(null, user + " on " + uri + " was not welcomed: " + answer);
                return -1;
            }
            conn.close().get(ANSWER_SECONDS, TimeUnit.SECONDS);
            return answer.nanos();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            failure.compareAndSet(null, user + " on " + uri + ": " + e);
            conn.abort();
            return -1;
        }
    }

    private static void report(Results results, List<Phase> phases, int vus, int iterations, int warmup) {
        String section = ClusterStep.SECTION;
        results.line(section, "Liberty nodes beside the bench server, each running only the product WAR with the "
                + "handshake limit off (wsquota.handshakes-per-second=0) and otherwise the product defaults. "
                + vus + " virtual users, each its own bench user, do " + warmup + " warm-up and then " + iterations
                + " measured cycles of connect -> welcome -> close (closed loop, one connection per user at a time); "
                + "with two nodes, user i goes to node i mod 2. Latency = connect until the welcome arrived. Both "
                + "nodes share this machine's 2 cores, so the two-node rate shows what the shared quota costs, not "
                + "what a second host would add.");
        Phase baseline = phases.get(0);
        List<List<?>> rows = new ArrayList<>();
        for (Phase p : phases) {
            rows.add(List.of(p.name(), p.connections(), Results.fmt(p.nanos() / 1e9, 1), Results.fmt(p.rate(), 0),
                    Results.fmt(p.rate() / baseline.rate(), 3), ms(p.latency().at(50)), ms(p.latency().at(95)),
                    ms(p.latency().at(99)), Results.fmt((double) p.latency().at(50) / baseline.latency().at(50), 2),
                    Results.fmt((double) p.latency().at(99) / baseline.latency().at(99), 2)));
        }
        results.table(section, List.of("phase", "connections", "time (s)", "connections/s", "rate / one node",
                "p50 (ms)", "p95 (ms)", "p99 (ms)", "p50 / one node", "p99 / one node"), rows);
    }

    /**
     * One user connecting to both nodes in turn, holding every connection: exactly the quota is welcomed,
     * the rest refused with 1013, and the last welcome counts the connections on both nodes.
     */
    private static void checkOneQuota(Results results, URI first, URI second, int vus) throws Exception {
        String user = BenchServer.user(vus); // not used by the load
        List<WsConn> held = new ArrayList<>();
        int welcomed = 0;
        int refused = 0;
        int lastActive = -1;
        try {
            for (int i = 0; i < 8; i++) {
                WsConn conn = WsConn.open(i % 2 == 0 ? first : second, user, BenchServer.PASSWORD);
                held.add(conn);
                WsConn.Answer answer = conn.answer().get(ANSWER_SECONDS, TimeUnit.SECONDS);
                if (answer.admitted()) {
                    welcomed++;
                    lastActive = answer.active();
                } else if (answer.code() == 1013) {
                    refused++;
                }
            }
        } finally {
            for (WsConn conn : held) {
                conn.abort();
            }
        }
        results.item(ClusterStep.SECTION, "one quota on two nodes: 8 connections of " + user + ", alternating nodes",
                welcomed + " welcomed (the last one's active = " + lastActive + "), " + refused + " refused with 1013");
        if (welcomed != 5 || refused != 3 || lastActive != 5) {
            throw new BenchMain.CheckFailed("two nodes did not hold one quota of 5: " + welcomed + " welcomed, "
                    + refused + " refused, last active " + lastActive);
        }
    }

    static void awaitMembers(BenchServer node, int count) throws Exception {
        ObjectName cluster = new ObjectName("dev.wsquota:type=Cluster");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int seen = -1;
        while (System.nanoTime() < deadline) {
            seen = (Integer) node.jmx().getAttribute(cluster, "MemberCount");
            if (seen == count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(node.name() + " saw " + seen + " cluster members, not " + count + ", within 120 s");
    }

    private static String ms(long nanos) {
        return Results.fmt(nanos / 1e6, 2);
    }
}
