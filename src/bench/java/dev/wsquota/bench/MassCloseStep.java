package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Step 8: what it costs the server to close many connections at once on its own initiative (an operator's
 * {@code disconnectUser}; the same path as late refusals, pong timeouts and idle closes: a close from a thread that
 * is not the connection's reader). Baseline in the same run: the same number of connections closed by their clients.
 * Reports when each client got its close frame (from the moment the close was asked for) and how many server threads
 * waited inside Liberty's close at the peak.
 */
final class MassCloseStep {

    static final String SECTION = "8. Mass close: the server closing many connections at once";

    private MassCloseStep() {
    }

    record Round(String how, int planned, int closed, Percentiles latency, long allMillis, ServerThreads.Sample peak) {
    }

    static void run(Results results, BenchServer server) throws Exception {
        int n = Props.integer("bench.close.connections", 2000);
        int rounds = Props.integer("bench.close.rounds", 2);
        ManagerFactoryMXBean factory = server.factory();
        String user = BenchServer.user(0);
        String quota = factory.setUserQuota(user, n);
        System.out.println("[bench] close: " + quota);
        List<Round> done = new ArrayList<>();
        try {
            hold(server.managed(), user, n).forEach(WsConn::close); // warm-up, unmeasured
            Thread.sleep(2000);
            for (int round = 0; round < rounds; round++) {
                done.add(measure(server, user, n, "the server (disconnectUser)",
                        held -> System.out.println("[bench] close: disconnectUser closed "
                                + factory.disconnectUser(user))));
                Thread.sleep(2000);
                done.add(measure(server, user, n, "their clients (close 1000)", held -> held.forEach(WsConn::close)));
                Thread.sleep(2000);
            }
        } finally {
            factory.clearUserQuota(user);
        }
        results.line(SECTION, n + " connections of one user are held, then all closed at once, either by the server "
                + "(the MXBean's disconnectUser: a close from a thread that is not the connection's reader, as for "
                        + "late "
                + "refusals, pong timeouts and idle closes) or by their clients (the baseline). Latency: from the "
                        + "request "
                + "to each client's close frame. Threads in close: the most server threads waiting inside Liberty's "
                + "close (finishReadBeforeClose) in dumps every 200 ms. " + rounds + " rounds of each, alternating.");
        List<List<?>> rows = new ArrayList<>();
        for (Round r : done) {
            rows.add(List.of(r.how(), r.closed() + " / " + r.planned(), ms(r.latency().at(50)), ms(r.latency().at(99)),
                    ms(r.latency().max()), r.allMillis(), r.peak().inClose(), r.peak().threads()));
        }
        results.table(SECTION, List.of("closed by", "closed / held", "p50 (ms)", "p99 (ms)", "max (ms)",
                "all closed after (ms)", "server threads in close (peak)", "server threads (peak)"), rows);
        long server99 = done.stream().filter(r -> r.how().startsWith("the server")).mapToLong(r -> r.latency().at(99))
                .max().orElse(-1);
        long client99 = done.stream().filter(r -> r.how().startsWith("their")).mapToLong(r -> r.latency().at(99)).max()
                .orElse(-1);
        results.item(SECTION, "p99 closed by the server / p99 closed by the clients (worst rounds)",
                Results.fmt((double) server99 / Math.max(1, client99), 2));
        for (Round r : done) {
            if (r.closed() != r.planned()) {
                throw new BenchMain.CheckFailed(r.how() + ": " + r.closed() + " of " + r.planned()
                        + " clients got a close frame within 60 s");
            }
        }
    }

    private static String ms(long nanos) {
        return Results.fmt(nanos / 1e6, 1);
    }

    private static Round measure(BenchServer server, String user, int n, String how, CloseAll close) throws Exception {
        List<WsConn> conns = hold(server.managed(), user, n);
        ServerThreads threads = new ServerThreads(server.jmx());
        AtomicReference<ServerThreads.Sample> peak = new AtomicReference<>(ServerThreads.NONE);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "close-sampler");
            t.setDaemon(true);
            return t;
        });
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        for (WsConn conn : conns) {
            closes.add(conn.closed().whenComplete((code, e) -> latencies.add(System.nanoTime() - t0)));
        }
        sampler.scheduleWithFixedDelay(() -> {
            try {
                peak.accumulateAndGet(threads.sample(), ServerThreads.Sample::max);
            } catch (RuntimeException e) {
                System.out.println("[bench] close: a server thread dump failed: " + e);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        try {
            close.close(conns);
            try {
                CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("[bench] close: not all closed within 60 s");
            }
        } finally {
            sampler.shutdownNow();
        }
        long all = (System.nanoTime() - t0) / 1_000_000;
        int closed = (int) closes.stream().filter(f -> f.isDone() && f.join() > 0).count();
        long[] values = latencies.stream().mapToLong(Long::longValue).toArray();
        Round round = new Round(how, n, closed, Percentiles.of(values), all, peak.get());
        System.out.println("[bench] close: " + how + ": " + closed + "/" + n + " p50 " + ms(round.latency().at(50))
                + " ms, p99 " + ms(round.latency().at(99)) + " ms, all " + all + " ms, threads in close " + peak.get());
        return round;
    }

    private static List<WsConn> hold(URI uri, String user, int n) throws Exception {
        Semaphore inFlight = new Semaphore(100);
        List<WsConn> conns = new ArrayList<>(n);
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            WsConn conn = WsConn.open(uri, user, BenchServer.PASSWORD);
            conns.add(conn);
            answers.add(conn.answer().whenComplete((a, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long admitted = answers.stream().filter(a -> a.join().admitted()).count();
        if (admitted != n) {
            throw new BenchMain.CheckFailed("mass close: " + admitted + " of " + n + " admitted");
        }
        return conns;
    }

    /** Closes the held connections one way or another (the server's or the clients'). */
    @FunctionalInterface
    interface CloseAll {
        void close(List<WsConn> held) throws Exception;
    }
}
