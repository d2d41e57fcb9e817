package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step 5: churn soak against the managed endpoint. {@code lanesPerUser} (quota + 1) loops per user
 * connect, wait for the answer, echo, hold a moment, then close (or abort without a close frame),
 * over and over until {@code connections} attempts were made or {@code maxSeconds} passed. Meanwhile a
 * JMX thread forces cleanups, changes the cleanup interval and samples every user's count.
 *
 * <p>What the client knows, per user: the connections the server MAY hold ("may hold": from the start
 * of a connect until the server's close frame arrived, or the answer was a rejection; an aborted one
 * for {@code abortSettleMs} more). For each connect it remembers the most the other connections of that
 * user may have held while it waited for the answer. A 1013 is a TRUE rejection if that was at least the
 * quota (the server may really have been full), a FALSE rejection if not (the server provably held
 * fewer than the quota: a slot was lost or leaked).
 *
 * <p>The server's side: every welcome carries "active", the user's count the server had right after
 * admitting it, under the user's lock; the highest seen per user is the server's high-water mark
 * (counts only grow at admissions). An admission with active > quota is an over-admission.
 *
 * <p>At the end, after one cleanup interval: user u keeps u % quota connections open, and every
 * user's count on the server must equal that (drift part 1); then they close and, after one more
 * interval, every count must be 0 (drift part 2). Drift = sum of |server - client| over users.
 */
final class SoakStep {

    static final String SECTION = "5. Churn soak";
    /** The product's liveness defaults (microprofile-config.properties): with them a false kill fails the run. */
    static final int DEFAULT_PING_SECONDS = 20;
    static final int DEFAULT_PONG_SECONDS = 10;

    private SoakStep() {
    }

    /** One connect attempt; {@code maxOthers} is guarded by its user's monitor. */
    static final class Attempt {
        int maxOthers;
    }

    /** What the client knows of one user. */
    static final class UserState {
        final int index;
        final String name;
        int mayHold;
        final List<Attempt> pending = new ArrayList<>();
        int highestActive;

        UserState(int index) {
            this.index = index;
            this.name = BenchServer.user(index);
        }

        synchronized Attempt begin() {
            mayHold++;
            Attempt attempt = new Attempt();
            attempt.maxOthers = mayHold - 1;
            for (Attempt other : pending) {
                other.maxOthers = Math.max(other.maxOthers, mayHold - 1);
            }
            pending.add(attempt);
            return attempt;
        }

        /** The answer arrived (or will never be awaited); returns the most the others may have held meanwhile. */
        synchronized int answered(Attempt attempt) {
            pending.remove(attempt);
            return attempt.maxOthers;
        }

        synchronized void released() {
            mayHold--;
        }

        synchronized void welcomed(int active) {
            highestActive = Math.max(highestActive, active);
        }
    }

    /** Counters of the run. */
    static final class Tally {
        final LongAdder attempts = new LongAdder();
        final LongAdder admitted = new LongAdder();
        final LongAdder trueRejections = new LongAdder();
        final LongAdder falseRejections = new LongAdder();
        final LongAdder overAdmissions = new LongAdder();
        final LongAdder graceful = new LongAdder();
        final LongAdder abortedAfterWelcome = new LongAdder();
        final LongAdder abortedBeforeAnswer = new LongAdder();
        final LongAdder otherCloses = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder closeTimeouts = new LongAdder();
        final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
        final AtomicInteger exampleCount = new AtomicInteger();
        final SoakOutcomes outcomes;

        Tally(long pongTimeoutNanos) {
            outcomes = new SoakOutcomes(pongTimeoutNanos);
        }

        /** Opens a soak connection whose end is classified (false kills) once it is over. */
        WsConn open(URI uri, String user) {
            WsConn conn = WsConn.open(uri, user, BenchServer.PASSWORD);
            conn.closed().thenAccept(code -> outcomes.connectionOver(conn, code));
            return conn;
        }

        void example(String text) {
            if (exampleCount.incrementAndGet() <= 10) {
                examples.add(text);
            }
        }
    }

    /**
     * Runs the soak once per liveness setting of {@code bench.soak.liveness} ("ping/pong" in seconds, comma
     * separated; default the product's 20/10, then the aggressive 2/2), each with its own table.
     */
    static void run(Results results, BenchServer server) throws Exception {
        List<String> failures = new ArrayList<>();
        boolean first = true;
        ManagerFactoryMXBean factory = server.factory();
        int ping = factory.getPingIntervalSeconds();
        int pong = factory.getPongTimeoutSeconds();
        int probeAfter = factory.getProbeAfterSeconds();
        int cleanup = factory.getCleanupIntervalSeconds();
        try {
            runAll(results, server, failures, first);
        } finally { // the steps after this one get the server's own settings back
            factory.setPingIntervalSeconds(ping);
            factory.setPongTimeoutSeconds(pong);
            factory.setProbeAfterSeconds(probeAfter);
            factory.setCleanupIntervalSeconds(cleanup);
        }
        if (!failures.isEmpty()) {
            throw new BenchMain.CheckFailed(String.join("; ", failures));
        }
    }

    private static void runAll(Results results, BenchServer server, List<String> failures,
            boolean first) throws Exception {
        for (String setting : Props.text("bench.soak.liveness", "20/10,2/2").split("\\s*,\\s*")) {
            String[] parts = setting.split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("bench.soak.liveness wants ping/pong seconds like 20/10, was "
                        + setting);
            }
            try {
                runOnce(results, server, Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), first);
                first = false;
            } catch (BenchMain.CheckFailed e) {
                failures.add("ping " + setting + ": " + e.getMessage());
            }
        }
    }

    private static void runOnce(Results results, BenchServer server, int pingSeconds, int pongSeconds, boolean first)
            throws Exception {
        int users = Math.min(Props.integer("bench.soak.users", 1000), server.users());
        int total = Props.integer("bench.soak.connections", 100_000);
        int maxSeconds = Props.integer("bench.soak.maxSeconds", 420);
        double abortFraction = Props.integer("bench.soak.abortPercent", 20) / 100.0;
        double earlyAbortFraction = Props.integer("bench.soak.earlyAbortPercent", 5) / 100.0;
        int settleMs = Props.integer("bench.soak.abortSettleMs", 1000);
        int echoes = Props.integer("bench.soak.echoes", 2);
        int holdMaxMs = Props.integer("bench.soak.holdMaxMs", 50);
        int finalInterval = Props.integer("bench.soak.finalIntervalSeconds", 2);
        ManagerFactoryMXBean factory = server.factory();
        int quota = factory.getMaxManagersPerUser();
        int lanesPerUser = Props.integer("bench.soak.lanesPerUser", quota + 1);
        URI uri = server.managed();
        long admissionsBefore = factory.getAdmissions();
        long limitHitsBefore = factory.getLimitHits();
        Map<String, Long> releasesBefore = factory.getReleasesByCause();
        long cleanupRunsBefore = factory.getCleanupRuns();
        for (int wait = 0; wait < 60 && factory.getActiveManagers() != 0; wait++) {
            Thread.sleep(500); // what an earlier step or run closed may still be on its way out
        }
        if (factory.getActiveManagers() != 0) {
            throw new IllegalStateException("soak needs an empty registry, has " + factory.getActiveManagers());
        }

        UserState[] state = new UserState[users];
        for (int u = 0; u < users; u++) {
            state[u] = new UserState(u);
        }
        Tally tally = new Tally(TimeUnit.SECONDS.toNanos(pongSeconds));
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "soak-timer");
            t.setDaemon(true);
            return t;
        });

        // JMX load running alongside: force cleanups, interval changes, and samples of every user's count.
        AtomicLong forced = new AtomicLong();
        AtomicLong forcedReclaimed = new AtomicLong();
        AtomicLong intervalChanges = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        AtomicLong sampledOverQuota = new AtomicLong();
        AtomicInteger sampledHighest = new AtomicInteger();
        AtomicLong jmxErrors = new AtomicLong();
        int[] intervals = {1, 3, 2, 5};
        AtomicInteger tick = new AtomicInteger();
        ScheduledExecutorService jmx = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-jmx");
            t.setDaemon(true);
            return t;
        });
        jmx.scheduleWithFixedDelay(() -> {
            try {
                int n = tick.incrementAndGet();
                forcedReclaimed.addAndGet(factory.forceCleanup());
                forced.incrementAndGet();
                if (n % 6 == 0) {
                    factory.setCleanupIntervalSeconds(intervals[(n / 6) % intervals.length]);
                    intervalChanges.incrementAndGet();
                }
                if (n % 2 == 0) {
                    for (int count : factory.getUserManagerCounts().values()) {
                        sampledHighest.accumulateAndGet(count, Math::max);
                        if (count > quota) {
                            sampledOverQuota.incrementAndGet();
                        }
                    }
                    samples.incrementAndGet();
                }
            } catch (Exception e) {
                jmxErrors.incrementAndGet();
            }
        }, 250, 500, TimeUnit.MILLISECONDS);

        // The liveness setting of this run; a short probe-after so the churn exercises probes at quota.
        int probeAfterSeconds = Props.integer("bench.soak.probeAfterSeconds", 1);
        factory.setPingIntervalSeconds(pingSeconds);
        factory.setPongTimeoutSeconds(pongSeconds);
        factory.setProbeAfterSeconds(probeAfterSeconds);
        long probes0 = factory.getProbes();

        // Holders: silent connections of their own users, open through the whole churn, so the server pings them
        // under load; every one that gets a 4002 is a false kill. They stay at least two ping cycles.
        int holderUsers = Math.max(0, Math.min((Props.integer("bench.soak.holders", 200) + quota - 1) / quota,
                server.users() - users));
        int holderCount = Math.min(Props.integer("bench.soak.holders", 200), holderUsers * quota);
        long minHoldNanos = TimeUnit.SECONDS.toNanos(
                Props.integer("bench.soak.minHoldSeconds", 2 * pingSeconds + pongSeconds + 5));
        List<WsConn> holders = new ArrayList<>();
        for (int h = 0; h < holderCount; h++) {
            holders.add(tally.open(uri, BenchServer.user(users + h / quota)));
        }
        long holdersOpened = System.nanoTime();
        int holdersAdmitted = 0;
        for (WsConn holder : holders) {
            WsConn.Answer answer = holder.answer().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (answer != null && answer.admitted()) {
                holdersAdmitted++;
            } else {
                tally.example("holder of " + holder.user + " not admitted: " + answer);
            }
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        AtomicLong budget = new AtomicLong(total);
        int lanes = users * lanesPerUser;
        CountDownLatch lanesDone = new CountDownLatch(lanes);
        System.out.println("[bench] soak: " + users + " users x " + lanesPerUser + " lanes, " + total
                + " connections, quota "
                + quota + ", at most " + maxSeconds + " s");
        long t0 = System.nanoTime();
        long serverCpu0 = server.cpuNanos();
        long driverCpu0 = driverCpu();
        ClientStalls clientStalls = new ClientStalls();
        tally.outcomes.watch(clientStalls);
        for (int lane = 0; lane < lanes; lane++) {
            UserState user = state[lane % users];
            timer.schedule(() -> lane(uri, user, quota, tally, timer, budget, deadline, lanesDone, abortFraction,
                    earlyAbortFraction, settleMs, echoes, holdMaxMs), ThreadLocalRandom.current().nextInt(1000),
                    TimeUnit.MILLISECONDS);
        }
        boolean finished = lanesDone.await(maxSeconds + 90L, TimeUnit.SECONDS);
        double churnSeconds = (System.nanoTime() - t0) / 1e9;
        double serverCpuSeconds = (server.cpuNanos() - serverCpu0) / 1e9;
        double driverCpuSeconds = (driverCpu() - driverCpu0) / 1e9;
        long clientGcMillis = clientStalls.gcMillisSinceStart();
        List<ClientStalls.Stall> stallsInChurn = clientStalls.stalls();
        jmx.shutdown();
        jmx.awaitTermination(30, TimeUnit.SECONDS);
        System.out.println("[bench] soak: churn done in " + Results.fmt(churnSeconds, 1) + " s, " + tally.attempts.sum()
                + " attempts, lanes finished: " + finished + ", probes at quota: " + (factory.getProbes() - probes0)
                + " (ping " + pingSeconds + " s, pong timeout " + pongSeconds + " s, probe after " + probeAfterSeconds
                        + " s)");

        long holdLeft = minHoldNanos - (System.nanoTime() - holdersOpened);
        if (holdLeft > 0) {
            TimeUnit.NANOSECONDS.sleep(holdLeft);
        }
        long holderPings = 0;
        int holdersOpenAtEnd = 0;
        List<CompletableFuture<Integer>> holderCloses = new ArrayList<>();
        for (WsConn holder : holders) {
            holderPings += holder.pings();
            if (holder.ended() == null) {
                holdersOpenAtEnd++;
            } else if (holder.answer().getNow(null) != null && holder.answer().getNow(null).admitted()) {
                tally.example("holder of " + holder.user + " ended before the churn did: " + holder.ended()
                        .getMessage());
            }
            holderCloses.add(holder.close());
        }
        CompletableFuture.allOf(holderCloses.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double heldSeconds = (System.nanoTime() - holdersOpened) / 1e9;

        // The end: one cleanup interval, then counts must equal what the client holds; then close, one more interval,
        // all 0.
        factory.setCleanupIntervalSeconds(finalInterval);
        Thread.sleep(settleMs);
        List<WsConn> keepers = new ArrayList<>();
        Map<String, Integer> expected = new TreeMap<>();
        List<CompletableFuture<WsConn.Answer>> answers = new ArrayList<>();
        for (UserState user : state) {
            int keep = user.index % quota;
            for (int k = 0; k < keep; k++) {
                WsConn conn = tally.open(uri, user.name);
                keepers.add(conn);
                answers.add(conn.answer().orTimeout(60, TimeUnit.SECONDS));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        int keptOpen = 0;
        for (WsConn conn : keepers) {
            WsConn.Answer answer = conn.answer().getNow(null);
            if (answer != null && answer.admitted() && !conn.closed().isDone()) {
                expected.merge(conn.user, 1, Integer::sum);
                keptOpen++;
            } else {
                tally.example("keeper of " + conn.user + " not admitted: " + answer);
            }
        }
        Thread.sleep(finalInterval * 1000L + 500);
        Map<String, Integer> held = factory.getUserManagerCounts();
        int driftHeld = drift(held, expected, tally);
        int activeHeld = factory.getActiveManagers();

        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        for (WsConn conn : keepers) {
            closes.add(conn.close());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        Thread.sleep(finalInterval * 1000L + 500);
        Map<String, Integer> after = factory.getUserManagerCounts();
        int driftClosed = drift(after, Map.of(), tally);
        int activeAfter = factory.getActiveManagers();
        driftClosed += Math.abs(activeAfter - after.values().stream().mapToInt(Integer::intValue).sum());
        timer.shutdownNow();

        long drift = driftHeld + driftClosed + Math.abs(activeHeld - keptOpen);
        long overAdmissions = tally.overAdmissions.sum() + sampledOverQuota.get();
        long falseRejections = tally.falseRejections.sum();
        int highest = 0;
        int usersAtQuota = 0;
        for (UserState user : state) {
            highest = Math.max(highest, user.highestActive);
            if (user.highestActive >= quota) {
                usersAtQuota++;
            }
        }

        SoakOutcomes out = tally.outcomes;
        long wrong = out.count(SoakOutcomes.Echo.WRONG);
        Map<String, Long> releases = delta(factory.getReleasesByCause(), releasesBefore);
        long pongTimeouts = releases.getOrDefault("PONG_TIMEOUT", 0L);
        boolean productLiveness = pingSeconds == DEFAULT_PING_SECONDS && pongSeconds == DEFAULT_PONG_SECONDS;
        long attempts = tally.attempts.sum();
        long aborted = tally.abortedAfterWelcome.sum() + tally.abortedBeforeAnswer.sum();
        String section = SECTION;
        if (first) {
            describe(results, users, lanesPerUser, quota, echoes, holdMaxMs, abortFraction, earlyAbortFraction,
                    settleMs);
        }
        results.line(section, "### Ping " + pingSeconds + " s / pong timeout " + pongSeconds + " s"
                + (productLiveness ? " (the product's defaults)" : ""));
        results.line(section, "**drift = " + drift + ", over-admissions = " + overAdmissions + ", false rejections = "
                + falseRejections + ", wrong echoes = " + wrong + ", false kills = " + out.falseKills() + "**"
                + (productLiveness ? ""
                        : " (false kills are reported, not a failed check, for a non-default setting)"));
        results.table(section, List.of("number", "value"), List.of(
                List.of("connections attempted", attempts
                        + (attempts < total ? " (time bound hit: " + total + " planned)" : "")),
                List.of("churn time", Results.fmt(churnSeconds, 1) + " s (" + Results.fmt(attempts / churnSeconds, 0)
                        + " connections/s)"),
                List.of("CPU during the churn: server / this client", Results.fmt(serverCpuSeconds, 1) + " s ("
                        + Results.fmt(serverCpuSeconds * 1e6 / Math.max(1, attempts), 0) + " us per connection) / "
                        + Results.fmt(driverCpuSeconds, 1) + " s"),
                List.of("admitted (welcome)", tally.admitted.sum()),
                List.of("rejected with 1013, true (user was at quota)", tally.trueRejections.sum()),
                List.of("rejected with 1013, FALSE (user provably below quota)", falseRejections),
                List.of("closed with a close frame by the client", tally.graceful.sum()),
                List.of("aborted without a close frame (after welcome / before answer)", aborted + " ("
                        + tally.abortedAfterWelcome.sum() + " / " + tally.abortedBeforeAnswer.sum() + "; "
                        + Results.fmt(100.0 * aborted / Math.max(1, attempts), 1) + "% of attempts, "
                        + Results.fmt(100.0 * tally.abortedAfterWelcome.sum() / Math.max(1, tally.admitted.sum()), 1)
                        + "% of admitted)"),
                List.of("other closes before a welcome / handshake failures", tally.otherCloses.sum() + " / "
                        + tally.failures.sum()),
                List.of("echoes sent", out.echoes()),
                List.of("echoes answered with the same text", out.count(SoakOutcomes.Echo.ANSWERED)),
                List.of("echoes answered with OTHER text (wrong content)", wrong),
                List.of("echoes not answered within 20 s, connection still open",
                        out.count(SoakOutcomes.Echo.TIMED_OUT)),
                List.of("echoes ended by the server's close frame, by close code",
                        out.count(SoakOutcomes.Echo.SERVER_CLOSED)
                        + " (" + out.serverClosesByCode() + ")"),
                List.of(
                        "echoes ended by the client (its close or abort) / connection lost without a close frame / "
                        + "send failed",
                        out.count(SoakOutcomes.Echo.CLIENT_ENDED) + " / " + out.count(SoakOutcomes.Echo.LOST) + " / "
                                + out.count(SoakOutcomes.Echo.SEND_FAILED)),
                List.of("close handshakes not answered in 10 s", tally.closeTimeouts.sum()),
                List.of("holders: silent connections of " + holderUsers + " other users, open through the churn",
                        holdersAdmitted + " admitted of " + holderCount + ", held " + Results.fmt(heldSeconds, 1)
                                + " s, "
                                + holderPings + " pings answered, " + holdersOpenAtEnd + " still open at the end"),
                List.of("pings answered by all soak clients (the JDK client pongs each)", out.pingsAnswered()),
                List.of("server: PONG_TIMEOUT releases", pongTimeouts),
                List.of("FALSE KILLS: 4002 (pong timeout) received by a client that had not aborted", out.falseKills()
                        + (out.falseKills() == 0 ? "" : " (" + out.falseKillsWithRecentPing()
                                + " had received a ping within the "
                        + pongSeconds + " s pong timeout before the close; longest silence before one: "
                        + Results.fmt(out.longestSilenceBeforeFalseKillMillis(), 0) + " ms; by the server's reason: "
                        + out.falseKillsByReason() + "; " + out.falseKillsInClientStall()
                                + " fell in a stall of this client)")),
                List.of("this client's own stalls during the churn (a 50 ms sleep waking over "
                        + ClientStalls.STALL_MILLIS
                        + " ms late): count / longest / its GC time", stallsInChurn.size() + " / "
                                + stallsInChurn.stream()
                        .mapToLong(ClientStalls.Stall::nanos).max().orElse(0) / 1_000_000 + " ms / " + clientGcMillis
                                + " ms"),
                List.of("over-admissions: welcomes with active > quota", tally.overAdmissions.sum()),
                List.of("over-admissions: JMX samples with a user count > quota", sampledOverQuota.get() + " in "
                        + samples.get() + " samples"),
                List.of("highest concurrent count of one user the server reported (welcome active; JMX samples)",
                        highest + "; " + sampledHighest.get()),
                List.of("users whose count reached the quota", usersAtQuota + " of " + users),
                List.of("JMX: forceCleanup calls (slots they reclaimed) / interval changes / errors", forced.get()
                        + " ("
                        + forcedReclaimed.get() + ") / " + intervalChanges.get() + " / " + jmxErrors.get()),
                List.of("server: admissions / limit hits during the soak", (factory.getAdmissions() - admissionsBefore)
                        + " / "
                        + (factory.getLimitHits() - limitHitsBefore)),
                List.of("server: releases by cause during the soak", releases.isEmpty() ? "none" : releases.toString()),
                List.of("server: cleanup passes during the soak (timer + forced)",
                        factory.getCleanupRuns() - cleanupRunsBefore),
                List.of("end: connections kept open by the client / server ActiveManagers, after " + finalInterval
                        + " s", keptOpen + " / " + activeHeld),
                List.of("end: drift with connections held (sum over users of |server - client|)", driftHeld),
                List.of("end: drift after all closed, after " + finalInterval + " s (server counts left)", driftClosed
                        + " (ActiveManagers " + activeAfter + ")")));
        List<String> anomalies = new ArrayList<>(tally.examples);
        out.examples().forEach(anomalies::add);
        if (!anomalies.isEmpty()) {
            results.line(section, "First anomalies (ping " + pingSeconds + " s / pong " + pongSeconds + " s): "
                    + String.join("; ", anomalies));
        }
        System.out.println("[bench] SOAK ping " + pingSeconds + "/" + pongSeconds + ": drift=" + drift
                + " over-admissions="
                + overAdmissions + " false-rejections=" + falseRejections + " wrong-echoes=" + wrong + " false-kills="
                + out.falseKills() + " (PONG_TIMEOUT releases " + pongTimeouts + ") echoes: answered "
                + out.count(SoakOutcomes.Echo.ANSWERED) + " timed-out " + out.count(SoakOutcomes.Echo.TIMED_OUT)
                + " server-closed " + out.count(SoakOutcomes.Echo.SERVER_CLOSED) + " (" + out.serverClosesByCode()
                + ") client-ended " + out.count(SoakOutcomes.Echo.CLIENT_ENDED) + " lost "
                        + out.count(SoakOutcomes.Echo.LOST)
                + " send-failed " + out.count(SoakOutcomes.Echo.SEND_FAILED));
        clientStalls.close();
        List<String> failed = new ArrayList<>();
        if (drift != 0 || overAdmissions != 0 || falseRejections != 0) {
            failed.add("drift " + drift + ", over-admissions " + overAdmissions + ", false rejections "
                    + falseRejections);
        }
        if (!finished) {
            failed.add("lanes did not finish");
        }
        if (wrong != 0) {
            failed.add(wrong + " echoes came back with other text");
        }
        if (productLiveness && out.falseKills() != 0) {
            failed.add(out.falseKills() + " live clients closed for pong timeout with the default ping "
                    + pingSeconds + " s / pong " + pongSeconds + " s (" + out.falseKillsInClientStall()
                    + " in a stall of this client)");
        }
        if (!failed.isEmpty()) {
            throw new BenchMain.CheckFailed(String.join(", ", failed));
        }
    }

    private static void describe(Results results, int users, int lanesPerUser, int quota, int echoes, int holdMaxMs,
                                 double abortFraction, double earlyAbortFraction, int settleMs) {
        results.line(SECTION, users + " users x " + lanesPerUser + " lanes (quota " + quota
                + ", so every user is pushed "
                + "past its quota all the time). Each lane loops: connect -> answer -> up to " + echoes
                        + " echoes -> hold 0.."
                + holdMaxMs + " ms -> close with a close frame, or (" + (int) (abortFraction * 100)
                        + "% of admitted) abort "
                + "the TCP connection without one; " + (int) (earlyAbortFraction * 100)
                        + "% of connects are aborted right "
                + "after the HTTP 101, before the answer. Concurrently over JMX: forceCleanup every 0.5 s, "
                + "CleanupIntervalSeconds cycled through 1, 3, 2, 5 s every 3 s, every user's count sampled every 1 s. "
                + "A rejection is false if the user's other connections that the server could possibly hold stayed "
                        + "below "
                + "the quota during the whole connect (an aborted one counts as possibly held for " + settleMs
                + " ms after the abort). The soak runs once per liveness setting (ping interval / pong timeout, set "
                        + "over JMX).");
        results.line(SECTION, "Every echo is classified: answered with its own text; answered with OTHER text (wrong "
                + "content: a failed check); not answered within 20 s while the connection stayed open (timed out); "
                        + "or its "
                + "connection ended first: by the server's close frame (by close code), by the client's own close or "
                        + "abort, "
                + "or lost without a close frame. A series of echoes stops at the first that is not answered with "
                        + "its own "
                + "text, so a late answer is never taken for the next echo's. Holders: silent connections of other "
                        + "users, "
                + "open through the churn and at least two ping cycles, so the server pings them under load. A FALSE "
                        + "KILL "
                + "is a 4002 (pong timeout) close frame received by a soak client (lane, holder or keeper) that had "
                        + "not "
                + "aborted: its reader was running, and the JDK client answers every ping as it reads it; an aborted "
                + "client never sees its 4002. With the product's default ping 20 s / pong 10 s a false kill fails "
                        + "the run.");
    }

    private static long driverCpu() {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime();
    }

    private static Map<String, Long> delta(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        now.forEach((cause, n) -> {
            long d = n - before.getOrDefault(cause, 0L);
            if (d != 0) {
                delta.put(cause, d);
            }
        });
        return delta;
    }

    private static int drift(Map<String, Integer> server, Map<String, Integer> client, Tally tally) {
        int drift = 0;
        TreeMap<String, Integer> all = new TreeMap<>(server);
        client.forEach(all::putIfAbsent);
        for (String user : all.keySet()) {
            int s = server.getOrDefault(user, 0);
            int c = client.getOrDefault(user, 0);
            if (s != c) {
                drift += Math.abs(s - c);
                tally.example("drift: " + user + " server " + s + " client " + c);
            }
        }
        return drift;
    }

    /** One lane: a loop of connection lives for one user, driven by callbacks; never blocks a thread. */
    private static void lane(URI uri, UserState user, int quota, Tally tally, ScheduledExecutorService timer,
                             AtomicLong budget, long deadline, CountDownLatch done, double abortFraction,
                             double earlyAbortFraction, int settleMs, int echoes, int holdMaxMs) {
        Runnable next = () -> lane(uri, user, quota, tally, timer, budget, deadline, done, abortFraction,
                earlyAbortFraction, settleMs, echoes, holdMaxMs);
        if (budget.getAndDecrement() <= 0 || System.nanoTime() > deadline) {
            done.countDown();
            return;
        }
        tally.attempts.increment();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean abortEarly = random.nextDouble() < earlyAbortFraction;
        boolean abortLate = random.nextDouble() < abortFraction;
        Attempt attempt = user.begin();
        WsConn conn = tally.open(uri, user.name);
        if (abortEarly) {
            conn.opened().thenAccept(ok -> {
                if (!conn.answer().isDone()) {
                    conn.abort();
                }
            });
        }
        conn.answer().orTimeout(60, TimeUnit.SECONDS).whenComplete((answer, error) -> {
            try {
                int others = user.answered(attempt);
                if (error != null) {
                    tally.failures.increment();
                    tally.example("no answer for " + user.name + ": " + error);
                    conn.abort();
                    settle(user, timer, settleMs);
                    timer.schedule(next, 10, TimeUnit.MILLISECONDS);
                    return;
                }
                switch (answer.kind()) {
                    case WELCOME -> {
                        tally.admitted.increment();
                        int active = answer.active();
                        user.welcomed(active);
                        if (active > quota || active < 1) {
                            tally.overAdmissions.increment();
                            tally.example("over-admission: " + user.name + " active " + active + " quota " + quota);
                        }
                        echo(conn, user, tally, echoes, 0).whenComplete((ok, e) -> {
                            long hold = holdMaxMs <= 0 ? 0 : ThreadLocalRandom.current().nextInt(holdMaxMs + 1);
                            timer.schedule(() -> end(conn, user, tally, timer, abortLate, settleMs, next), hold,
                                    TimeUnit.MILLISECONDS);
                        });
                    }
                    case CLOSED -> {
                        if (answer.code() == 1013 && answer.reason() != null && answer.reason()
                                .startsWith("quota exceeded")) {
                            if (others >= quota) {
                                tally.trueRejections.increment();
                            } else {
                                tally.falseRejections.increment();
                                tally.example("false rejection: " + user.name + " others at most " + others
                                        + ", reason '"
                                        + answer.reason() + "'");
                            }
                        } else {
                            tally.otherCloses.increment();
                            tally.example("close before welcome for " + user.name + ": " + answer.code() + " "
                                    + answer.reason());
                        }
                        user.released();
                        timer.schedule(next, 20 + ThreadLocalRandom.current().nextInt(30), TimeUnit.MILLISECONDS);
                    }
                    case ABORTED -> {
                        tally.abortedBeforeAnswer.increment();
                        settle(user, timer, settleMs);
                        timer.execute(next);
                    }
                    case FAILED -> {
                        tally.failures.increment();
                        tally.example("handshake failed for " + user.name + ": " + answer.reason());
                        conn.abort();
                        settle(user, timer, settleMs);
                        timer.schedule(next, 10, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (RuntimeException e) {
                tally.failures.increment();
                tally.example("lane error for " + user.name + ": " + e);
                settle(user, timer, settleMs);
                timer.schedule(next, 10, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Echoes one after another; the first that is not answered with its own text ends the series (it is classified).
     */
    private static CompletableFuture<Void> echo(WsConn conn, UserState user, Tally tally, int left, int n) {
        if (left == 0) {
            return CompletableFuture.completedFuture(null);
        }
        String text = "soak " + user.name + " " + n + " " + conn.hashCode();
        return conn.echo(text).handle((reply, e) -> tally.outcomes.echo(conn, text, reply, e))
                .thenCompose(kind -> kind == SoakOutcomes.Echo.ANSWERED ? echo(conn, user, tally, left - 1, n + 1)
                        : CompletableFuture.completedFuture(null));
    }

    private static void end(WsConn conn, UserState user, Tally tally, ScheduledExecutorService timer, boolean abort,
                            int settleMs, Runnable next) {
        if (abort) {
            conn.abort();
            tally.abortedAfterWelcome.increment();
            settle(user, timer, settleMs);
            timer.execute(next);
            return;
        }
        conn.close().whenComplete((code, e) -> {
            if (code != null && code == -2) {
                tally.closeTimeouts.increment();
                conn.abort();
                settle(user, timer, settleMs);
            } else {
                tally.graceful.increment();
                user.released();
            }
            timer.execute(next);
        });
    }

    /**
     * An aborted connection stays "possibly held" for settleMs: the server learns of an abort only from the TCP layer.
     */
    private static void settle(UserState user, ScheduledExecutorService timer, int settleMs) {
        timer.schedule(user::released, settleMs, TimeUnit.MILLISECONDS);
    }
}
