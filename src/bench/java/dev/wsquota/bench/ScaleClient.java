package dev.wsquota.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load process of the multi-server scale step: its own JVM, so that its open connections count against
 * its own open-file limit, not the driver's. Opens {@code count} managed connections to one server (users
 * {@code firstUser}.., {@code perUser} each), waits for every welcome, then obeys the driver line by line on
 * stdin: {@code pings} prints the pings received so far, {@code close} closes everything and exits. Every
 * reply is one line on stdout starting with "scale-client". Bounded: the fill gives up at its deadline and
 * the process exits when stdin ends.
 */
public final class ScaleClient {

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

        List<WsConn> conns = new ArrayList<>(count);
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(window);
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        long t0 = System.nanoTime();
        outer:
        for (int round = 0; round < perUser; round++) {
            for (int u = 0; u < users && conns.size() < count; u++) {
                if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break outer;
                }
                WsConn conn = WsConn.open(uri, BenchServer.user(firstUser + u), BenchServer.PASSWORD);
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
        String firstFailure = conns.stream().map(c -> c.answer().getNow(null))
                .filter(a -> a != null && !a.admitted()).findFirst()
                .map(a -> a.kind() + " " + a.code() + " " + a.reason()).orElse("-");
        System.out.println("scale-client held " + held(conns) + " of " + count + " failed " + failed.get() + " fill "
                + fill + " first-failure " + firstFailure.replace('\n', ' '));
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "pings" -> System.out.println("scale-client pings " + WsConn.PINGS.get() + " held " + held(conns));
                case "close" -> {
                    List<CompletableFuture<Integer>> closes = new ArrayList<>(conns.size());
                    for (WsConn conn : conns) {
                        inFlight.acquire();
                        closes.add(conn.close().orTimeout(30, TimeUnit.SECONDS).whenComplete((c, e) -> inFlight.release()));
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

    private static long held(List<WsConn> conns) {
        return conns.stream().filter(c -> c.answer().isDone() && !c.answer().isCompletedExceptionally()
                && c.answer().join().admitted() && !c.closed().isDone()).count();
    }
}
