package dev.wsquota.bench.gatling;

import dev.wsquota.bench.Percentiles;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Step 2: admission rate and connect-to-welcome latency, managed (/ws) against the fair baseline
 * (/fair/ws) and bare (/bare/ws) in the same run. Each virtual user, as its own bench user: connect -> wait for the
 * welcome -> 10 echoes ->
 * close, {@code iterations} times. Phases run one after the other: a warm-up of each, then
 * managed, fair, bare, managed, fair, bare ... ({@code rounds}), each with {@code vus} users at once, so all
 * endpoints see the same JIT state and background noise.
 *
 * <p>Latency is measured here, from just before the connect action to the moment the welcome check
 * passed (the welcome is the admission signal: HTTP 101 comes before @OnOpen). The simulation asserts
 * that Gatling counted exactly the planned number of requests and that none failed, and writes its
 * numbers to {@code bench.gatling.out} for BenchMain.
 */
public class AdmissionSimulation extends Simulation {

    static final int ECHOES = 10;
    /**
     * Endpoint name and path, in the order each round runs them: the product, the fair baseline (the bare
     * endpoint in a CDI-enabled WAR) and the bare endpoint in a WAR without CDI.
     */
    static final String[][] ENDPOINTS = {{"managed", "/ws"}, {"fair", "/fair/ws"}, {"bare", "/bare/ws"}};

    final int port = Integer.getInteger("bench.httpPort", 29080);
    final int users = Integer.getInteger("bench.users", 2000);
    final int vus = Integer.getInteger("bench.gatling.vus", 50);
    final int iterations = Integer.getInteger("bench.gatling.iterations", 20);
    final int warmupIterations = Integer.getInteger("bench.gatling.warmupIterations", 5);
    final int rounds = Integer.getInteger("bench.gatling.rounds", 2);
    /**
     * Requests Gatling 3.15 records per iteration: the connect and its welcome check, each echo and its
     * check, and the close: 1 + 1 + 10 + 10 + 1 = 23.
     */
    static final int REQUESTS_PER_ITERATION = 1 + 1 + ECHOES + ECHOES + 1;
    final Path out = Path.of(System.getProperty("bench.gatling.out", "target/bench/admission.properties"));

    /** Latencies (ns) of measured phases, per endpoint. */
    static final Map<String, List<Long>> LATENCIES = new ConcurrentHashMap<>();
    /** First start and last end (ns) of each phase. */
    static final Map<String, AtomicLong[]> PHASE_TIMES = new ConcurrentHashMap<>();
    /** The same in wall-clock milliseconds, to line up with the server's JFR samples. */
    static final Map<String, AtomicLong[]> PHASE_MILLIS = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> COMPLETED = new ConcurrentHashMap<>();

    final List<String> phaseOrder = new ArrayList<>();
    long plannedRequests;

    {
        HttpProtocolBuilder protocol = http
                .baseUrl("http://127.0.0.1:" + port)
                .wsBaseUrl("ws://127.0.0.1:" + port);

        List<PopulationBuilder> chain = new ArrayList<>();
        for (String[] e : ENDPOINTS) {
            chain.add(phase("warmup-" + e[0], e[0], e[1], warmupIterations, false));
        }
        for (int r = 1; r <= rounds; r++) {
            for (String[] e : ENDPOINTS) {
                chain.add(phase(e[0] + "-" + r, e[0], e[1], iterations, true));
            }
        }
        PopulationBuilder first = chain.get(0);
        for (int i = 1; i < chain.size(); i++) {
            first = first.andThen(chain.get(i));
        }
        setUp(first)
                .protocols(protocol)
                .assertions(
                        global().allRequests().count().is(plannedRequests),
                        global().failedRequests().count().is(0L));
    }

    private PopulationBuilder phase(String name, String endpoint, String path, int iters, boolean measured) {
        phaseOrder.add(name);
        plannedRequests += (long) vus * iters * REQUESTS_PER_ITERATION;
        PHASE_TIMES.put(name, new AtomicLong[] {new AtomicLong(Long.MAX_VALUE), new AtomicLong(Long.MIN_VALUE)});
        PHASE_MILLIS.put(name, new AtomicLong[] {new AtomicLong(Long.MAX_VALUE), new AtomicLong(Long.MIN_VALUE)});
        COMPLETED.put(name, new AtomicInteger());
        LATENCIES.putIfAbsent(endpoint, java.util.Collections.synchronizedList(new ArrayList<>()));

        ChainBuilder iteration = exec(session -> session.set("t0", System.nanoTime()))
                .exec(ws(endpoint + " connect").connect(path)
                        .header("Authorization", "#{auth}")
                        .await(30).on(ws.checkTextMessage(endpoint + " welcome")
                                .check(regex("\"type\":\"welcome\"").exists(), regex("\"user\":\"([^\"]+)\"")
                                        .isEL("#{user}"))))
                .exitHereIfFailed()
                .exec(session -> {
                    if (measured) {
                        LATENCIES.get(endpoint).add(System.nanoTime() - session.getLong("t0"));
                    }
                    return session;
                })
                .repeat(ECHOES, "i").on(
                        exec(ws(endpoint + " echo")
                                .sendText(session -> "echo " + session.getInt("i") + " " + session.getString("user"))
                                .await(30).on(ws.checkTextMessage(endpoint + " echoed")
                                        .check(bodyString()
                                                .is(session -> "echo " + session.getInt("i") + " "
                                                + session.getString("user"))))))
                .exec(ws(endpoint + " close").close())
                .exec(session -> {
                    COMPLETED.get(name).incrementAndGet();
                    return session;
                });

        ScenarioBuilder scenario = scenario(name)
                .feed(feeder(name))
                .exec(session -> {
                    PHASE_TIMES.get(name)[0].accumulateAndGet(System.nanoTime(), Math::min);
                    PHASE_MILLIS.get(name)[0].accumulateAndGet(System.currentTimeMillis(), Math::min);
                    return session;
                })
                .repeat(iters).on(iteration)
                .exec(session -> {
                    PHASE_TIMES.get(name)[1].accumulateAndGet(System.nanoTime(), Math::max);
                    PHASE_MILLIS.get(name)[1].accumulateAndGet(System.currentTimeMillis(), Math::max);
                    return session;
                });
        return scenario.injectOpen(atOnceUsers(vus));
    }

    /** Virtual user k of a phase is bench user k (one connection at a time each: never at quota). */
    private Iterator<Map<String, Object>> feeder(String phase) {
        AtomicInteger next = new AtomicInteger();
        Supplier<Map<String, Object>> supplier = () -> {
            String user = String.format("u%04d", next.getAndIncrement() % users);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("user", user);
            record.put("auth", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":wsquota").getBytes(StandardCharsets.UTF_8)));
            return record;
        };
        return Stream.generate(supplier).iterator();
    }

    @Override
    public void after() {
        Properties p = new Properties();
        p.setProperty("plannedRequests", Long.toString(plannedRequests));
        p.setProperty("vus", Integer.toString(vus));
        p.setProperty("iterations", Integer.toString(iterations));
        p.setProperty("rounds", Integer.toString(rounds));
        p.setProperty("warmupIterations", Integer.toString(warmupIterations));
        p.setProperty("phases", String.join(",", phaseOrder));
        Map<String, long[]> totals = new LinkedHashMap<>(); // endpoint -> {connections, nanos}
        for (String phase : phaseOrder) {
            AtomicLong[] t = PHASE_TIMES.get(phase);
            long nanos = t[1].get() - t[0].get();
            int done = COMPLETED.get(phase).get();
            p.setProperty("phase." + phase + ".nanos", Long.toString(nanos));
            // System.nanoTime is CLOCK_MONOTONIC on Linux: the driver can line these up with its own samples.
            p.setProperty("phase." + phase + ".start", Long.toString(t[0].get()));
            p.setProperty("phase." + phase + ".end", Long.toString(t[1].get()));
            p.setProperty("phase." + phase + ".startMillis", Long.toString(PHASE_MILLIS.get(phase)[0].get()));
            p.setProperty("phase." + phase + ".endMillis", Long.toString(PHASE_MILLIS.get(phase)[1].get()));
            p.setProperty("phase." + phase + ".connections", Integer.toString(done));
            if (!phase.startsWith("warmup")) {
                String endpoint = phase.substring(0, phase.indexOf('-'));
                long[] sum = totals.computeIfAbsent(endpoint, e -> new long[2]);
                sum[0] += done;
                sum[1] += nanos;
            }
        }
        totals.forEach((endpoint, sum) -> {
            p.setProperty(endpoint + ".connections", Long.toString(sum[0]));
            p.setProperty(endpoint + ".nanos", Long.toString(sum[1]));
            List<Long> list = LATENCIES.get(endpoint);
            long[] values;
            synchronized (list) {
                values = list.stream().mapToLong(Long::longValue).toArray();
            }
            Percentiles pct = Percentiles.of(values);
            p.setProperty(endpoint + ".latency.count", Integer.toString(pct.count()));
            p.setProperty(endpoint + ".latency.p50", Long.toString(pct.at(50)));
            p.setProperty(endpoint + ".latency.p95", Long.toString(pct.at(95)));
            p.setProperty(endpoint + ".latency.p99", Long.toString(pct.at(99)));
            p.setProperty(endpoint + ".latency.mean", Long.toString((long) pct.mean()));
            p.setProperty(endpoint + ".latency.max", Long.toString(pct.max()));
        });
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            try (var w = Files.newBufferedWriter(out)) {
                p.store(w, "AdmissionSimulation numbers (latencies in ns)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
