package dev.wsquota.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client -> application -> client round trips (docs/inbound.md): the same connections send one message at a time and
 * wait for its answer, on a node running the product WAR in echo mode, in CDI mode (with the test observer that
 * answers "echo:x" with x), and in forward mode (a JDK HttpServer in this JVM answers with the data). Each mode's
 * rate and latency is reported with its ratio to echo in the same run.
 */
final class InboundStep {

    static final String SECTION = "Inbound round trips";

    private static final Pattern DATA = Pattern.compile("\"data\":\"echo:([^\"]*)\"");

    private InboundStep() {
    }

    /** One mode's measurement. */
    private record Phase(String mode, double perSecond, Percentiles latency, long failed) {
    }

    static void run(Results results, BenchServer bench) throws Exception {
        int connections = Props.integer("bench.inbound.connections", 50);
        int messages = Props.integer("bench.inbound.messages", 200);
        int warmup = Props.integer("bench.inbound.warmupMessages", 50);
        int base = Props.integer("bench.httpPort", 29080);
        HttpServer backend = backend();
        List<String> common = List.of("-Dwsquota.handshakes-per-second=0", "-Dwsquota.max-messages-per-second=100000");
        List<Phase> phases = new ArrayList<>();
        try {
            for (String mode : List.of("echo", "cdi", "forward")) {
                List<String> args = new ArrayList<>(common);
                args.add("-Dwsquota.inbound.mode=" + mode);
                if (mode.equals("forward")) {
                    args.add("-Dwsquota.inbound.forward-url=http://127.0.0.1:" + backend.getAddress().getPort()
                            + "/hook");
                }
                BenchServer node = BenchServer.node(bench, "Inbound", base + 30, base + 31, args);
                if (mode.equals("cdi")) {
                    node.withClasses("dev/wsquota/example/TestObservers.class");
                }
                try {
                    node.start(null, false);
                    phases.add(drive(mode, node, connections, messages, warmup));
                } finally {
                    node.stopQuietly();
                }
            }
        } finally {
            backend.stop(0);
        }
        report(results, phases, connections, messages, warmup);
        long failed = phases.stream().mapToLong(Phase::failed).sum();
        if (failed > 0) {
            throw new IllegalStateException(failed + " inbound round trips got no answer or the wrong one");
        }
    }

    private static Phase drive(String mode, BenchServer node, int connections, int messages, int warmup)
            throws Exception {
        List<WsConn> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                WsConn conn = WsConn.open(node.managed(), BenchServer.user(i), BenchServer.PASSWORD);
                conn.answer().get(30, TimeUnit.SECONDS);
                open.add(conn);
            }
            roundTrips(open, warmup, null);
            long[] latencies = new long[connections * messages];
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            failed.addAndGet(roundTrips(open, messages, latencies));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println("[bench] inbound " + mode + ": " + latencies.length + " round trips in "
                    + Results.fmt(seconds, 2) + " s");
            return new Phase(mode, latencies.length / seconds, Percentiles.of(latencies), failed.get());
        } finally {
            for (WsConn conn : open) {
                conn.abort();
            }
        }
    }

    /** Every connection sends {@code count} messages, each after the previous answer; returns the failed ones. */
    private static long roundTrips(List<WsConn> connections, int count, long[] latencies) throws Exception {
        AtomicLong failed = new AtomicLong();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int c = 0; c < connections.size(); c++) {
            int index = c;
            WsConn conn = connections.get(c);
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int m = 0; m < count; m++) {
                int slot = index * count + m;
                chain = chain.thenCompose(ignored -> {
                    long sent = System.nanoTime();
                    String text = "echo:" + slot;
                    return conn.echo(text).handle((reply, error) -> {
                        if (error != null || reply == null || !reply.endsWith(String.valueOf(slot))) {
                            failed.incrementAndGet();
                        }
                        if (latencies != null) {
                            latencies[slot] = System.nanoTime() - sent;
                        }
                        return null;
                    });
                });
            }
            all.add(chain);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return failed.get();
    }

    /** Answers each forwarded message with its text after "echo:", as the CDI test observer does. */
    private static HttpServer backend() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        server.setExecutor(threads);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher data = DATA.matcher(body);
            byte[] answer = data.find() ? data.group(1).getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void report(Results results, List<Phase> phases, int connections, int messages, int warmup) {
        results.item(SECTION, "load", connections + " connections of " + connections + " users, each " + warmup
                + " warm-up then " + messages + " messages, one at a time (the next after the answer); one node "
                + "per mode, started fresh; the forward backend is a JDK HttpServer in the bench JVM");
        Phase echo = phases.stream().filter(p -> p.mode().equals("echo")).findFirst().orElse(null);
        for (Phase phase : phases) {
            String ratio = echo == null ? "" : ", rate " + Results.fmt(phase.perSecond() / echo.perSecond(), 2)
                    + "x echo, p50 " + Results.fmt((double) phase.latency().at(50) / echo.latency().at(50), 2)
                            + "x echo";
            results.item(SECTION, phase.mode(), Results.fmt(phase.perSecond(), 0) + " round trips/s, p50 "
                    + Results.fmt(phase.latency().at(50) / 1e6, 2) + " ms, p99 "
                            + Results.fmt(phase.latency().at(99) / 1e6, 2)
                    + " ms" + ratio + (phase.failed() > 0 ? ", FAILED " + phase.failed() : ""));
        }
    }
}
