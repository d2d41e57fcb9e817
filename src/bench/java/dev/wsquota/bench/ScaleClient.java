package dev.wsquota.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load process of the multi-server scale step: its own JVM, so that its open connections count against
 * its own open-file limit, not the driver's. Opens {@code count} managed connections to one server (users
 * {@code firstUser}.., {@code perUser} each), waits for every welcome, then obeys the driver line by line on
 * stdin: {@code pings} prints the pings received so far, {@code close} closes everything and exits. Every
 * reply is one line on stdout starting with "scale-client". A handshake that fails or times out on the
 * client side (a CPU-starved machine, not a refusal) is retried after a jittered pause that doubles, at most
 * {@value #ATTEMPTS} attempts in all; a refusal (a close or an HTTP status) is never retried. Bounded: the fill
 * gives up at its deadline and the process exits when stdin ends.
 */
public final class ScaleClient {

    private static final int ATTEMPTS = 5;
    private static final AtomicInteger RETRIES = new AtomicInteger();

    private ScaleClient() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int firstUser = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int perUser = Integer.parseInt(args[3]);
        int window = Integer.parseInt(args[4]);
        int maxSeconds = Integer.parseInt(args[5]);
        int users = (count + perUser - 1) / perUser;

        List<WsConn> conns = Collections.synchronizedList(new ArrayList<>(count));
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(window);
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        long t0 = System.nanoTime();
        outer:
        for (int round = 0; round < perUser; round++) {
            for (int u = 0; u < users && answers.size() < count; u++) {
                if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break outer;
                }
                CompletableFuture<WsConn.Answer> answer = new CompletableFuture<>();
                connect(uri, BenchServer.user(firstUser + u), ATTEMPTS, deadline, conns, answer);
                answers.add(answer.whenComplete((a, e) -> {
                    inFlight.release();
                    if (e != null || !a.admitted()) {
                        failed.incrementAndGet();
                    }
                }));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double fill = (System.nanoTime() - t0) / 1e9;
        String firstFailure = answers.stream().map(a -> a.getNow(null))
                .filter(a -> a != null && !a.admitted()).findFirst()
                .map(a -> a.kind() + " " + a.code() + " " + a.reason()).orElse("-");
        System.out.println("scale-client held " + held(conns) + " of " + count + " failed " + failed.get() + " fill "
                + fill + " retries " + RETRIES.get() + " first-failure " + firstFailure.replace('\n', ' '));
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "pings" -> System.out.println("scale-client pings " + WsConn.PINGS.get() + " held " + held(conns));
                case "close" -> {
                    List<CompletableFuture<Integer>> closes = new ArrayList<>(conns.size());
                    for (WsConn conn : conns) {
                        inFlight.acquire();
                        closes.add(conn.close().orTimeout(30, TimeUnit.SECONDS)
                                .whenComplete((c, e) -> inFlight.release()));
                    }
                    CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
                    System.out.println("scale-client closed " + conns.size());
                    System.out.flush();
                    System.exit(0);
                }
                default -> System.out.println("scale-client unknown command " + line);
            }
            System.out.flush();
        }
        System.exit(0); // the driver went away: the sockets close with the process
    }

    /**
     * One admission of {@code user}, retried on a client-side failure or timeout: the abandoned attempt is aborted,
     * so it cannot hold a slot if its handshake completes later. {@code answer} completes with the last attempt's.
     */
    private static void connect(URI uri, String user, int attemptsLeft, long deadline, List<WsConn> conns,
            CompletableFuture<WsConn.Answer> answer) {
        WsConn conn = WsConn.open(uri, user, BenchServer.PASSWORD);
        conn.answer().orTimeout(60, TimeUnit.SECONDS).whenComplete((a, e) -> {
            boolean clientSide = e != null || a.kind() == WsConn.Answer.Kind.FAILED && a.code() < 0;
            if (clientSide && attemptsLeft > 1 && System.nanoTime() < deadline) {
                conn.abort();
                RETRIES.incrementAndGet();
                long base = 1_000L << (ATTEMPTS - attemptsLeft);
                long pauseMillis = base + ThreadLocalRandom.current().nextLong(base);
                CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS)
                        .execute(() -> connect(uri, user, attemptsLeft - 1, deadline, conns, answer));
            } else if (e != null) {
                conn.abort();
                answer.completeExceptionally(e);
            } else {
                conns.add(conn);
                answer.complete(a);
            }
        });
    }

    private static long held(List<WsConn> conns) {
        return List.copyOf(conns).stream().filter(c -> c.answer().isDone() && !c.answer().isCompletedExceptionally()
                && c.answer().join().admitted() && !c.closed().isDone()).count();
    }
}
