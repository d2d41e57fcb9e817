package dev.wsquota.bench;

import java.util.ArrayList;
import java.util.List;

/** Writes one soak run to RESULTS.md (its heading, the bold checks, the table, the first anomalies) and the log. */
final class SoakReport {

    private static final String SECTION = SoakStep.SECTION;

    private SoakReport() {
    }

    static void write(Results results, SoakRun run, boolean first) {
        SoakPlan plan = run.plan();
        SoakOutcomes out = run.outcomes();
        if (first) {
            describe(results, plan);
        }
        results.line(SECTION, "### Ping " + plan.pingSeconds() + " s / pong timeout " + plan.pongSeconds() + " s"
                + (plan.productLiveness() ? " (the product's defaults)" : ""));
        results.line(SECTION, "**drift = " + run.drift() + ", over-admissions = " + run.overAdmissions()
                + ", false rejections = " + run.falseRejections() + ", wrong echoes = " + run.wrongEchoes()
                + ", false kills = " + out.falseKills() + "**" + (plan.productLiveness() ? ""
                : " (false kills are reported, not a failed check, for a non-default setting)"));
        List<List<?>> rows = new ArrayList<>();
        rows.addAll(churnRows(run));
        rows.addAll(echoRows(out));
        rows.addAll(livenessRows(run));
        rows.addAll(quotaRows(run));
        rows.addAll(endRows(run));
        results.table(SECTION, List.of("number", "value"), rows);
        List<String> anomalies = new ArrayList<>(run.tally().examples);
        out.examples().forEach(anomalies::add);
        if (!anomalies.isEmpty()) {
            results.line(SECTION, "First anomalies (ping " + plan.pingSeconds() + " s / pong " + plan.pongSeconds()
                    + " s): " + String.join("; ", anomalies));
        }
        System.out.println("[bench] SOAK ping " + plan.pingSeconds() + "/" + plan.pongSeconds() + ": drift="
                + run.drift() + " over-admissions=" + run.overAdmissions() + " false-rejections="
                + run.falseRejections() + " wrong-echoes=" + run.wrongEchoes() + " false-kills=" + out.falseKills()
                + " (PONG_TIMEOUT releases " + run.pongTimeouts() + ") echoes: answered "
                + out.count(SoakOutcomes.Echo.ANSWERED) + " timed-out " + out.count(SoakOutcomes.Echo.TIMED_OUT)
                + " server-closed " + out.count(SoakOutcomes.Echo.SERVER_CLOSED) + " (" + out.serverClosesByCode()
                + ") client-ended " + out.count(SoakOutcomes.Echo.CLIENT_ENDED) + " lost "
                + out.count(SoakOutcomes.Echo.LOST) + " send-failed " + out.count(SoakOutcomes.Echo.SEND_FAILED));
    }

    /** Attempts, time, CPU and how the connections ended. */
    private static List<List<?>> churnRows(SoakRun run) {
        SoakStep.Tally tally = run.tally();
        SoakStep.Churn churn = run.churn();
        long attempts = tally.attempts.sum();
        long total = run.plan().total();
        long aborted = tally.abortedAfterWelcome.sum() + tally.abortedBeforeAnswer.sum();
        return List.of(
                List.of("connections attempted", attempts + (attempts < total
                        ? " (time bound hit: " + total + " planned)" : "")),
                List.of("churn time", Results.fmt(churn.seconds(), 1) + " s ("
                        + Results.fmt(attempts / churn.seconds(), 0) + " connections/s)"),
                List.of("CPU during the churn: server / this client", Results.fmt(churn.serverCpuSeconds(), 1)
                        + " s (" + Results.fmt(churn.serverCpuSeconds() * 1e6 / Math.max(1, attempts), 0)
                        + " us per connection) / " + Results.fmt(churn.driverCpuSeconds(), 1) + " s"),
                List.of("admitted (welcome)", tally.admitted.sum()),
                List.of("rejected with 1013, true (user was at quota)", tally.trueRejections.sum()),
                List.of("rejected with 1013, FALSE (user provably below quota)", run.falseRejections()),
                List.of("closed with a close frame by the client", tally.graceful.sum()),
                List.of("aborted without a close frame (after welcome / before answer)", aborted + " ("
                        + tally.abortedAfterWelcome.sum() + " / " + tally.abortedBeforeAnswer.sum() + "; "
                        + Results.fmt(100.0 * aborted / Math.max(1, attempts), 1) + "% of attempts, "
                        + Results.fmt(100.0 * tally.abortedAfterWelcome.sum() / Math.max(1, tally.admitted.sum()), 1)
                        + "% of admitted)"),
                List.of("other closes before a welcome / handshake failures", tally.otherCloses.sum() + " / "
                        + tally.failures.sum()));
    }

    /** How every echo ended. */
    private static List<List<?>> echoRows(SoakOutcomes out) {
        return List.of(
                List.of("echoes sent", out.echoes()),
                List.of("echoes answered with the same text", out.count(SoakOutcomes.Echo.ANSWERED)),
                List.of("echoes answered with OTHER text (wrong content)", out.count(SoakOutcomes.Echo.WRONG)),
                List.of("echoes not answered within 20 s, connection still open",
                        out.count(SoakOutcomes.Echo.TIMED_OUT)),
                List.of("echoes ended by the server's close frame, by close code",
                        out.count(SoakOutcomes.Echo.SERVER_CLOSED) + " (" + out.serverClosesByCode() + ")"),
                List.of("echoes ended by the client (its close or abort) / connection lost without a close frame"
                                + " / send failed",
                        out.count(SoakOutcomes.Echo.CLIENT_ENDED) + " / " + out.count(SoakOutcomes.Echo.LOST) + " / "
                                + out.count(SoakOutcomes.Echo.SEND_FAILED)));
    }

    /** Pings, pong timeouts, false kills and this client's own stalls. */
    private static List<List<?>> livenessRows(SoakRun run) {
        SoakOutcomes out = run.outcomes();
        SoakHolders.Held held = run.held();
        List<ClientStalls.Stall> stalls = run.churn().stalls();
        long longestStallMillis = stalls.stream().mapToLong(ClientStalls.Stall::nanos).max().orElse(0) / 1_000_000;
        return List.of(
                List.of("close handshakes not answered in 10 s", run.tally().closeTimeouts.sum()),
                List.of("holders: silent connections of " + held.users() + " other users, open through the churn",
                        held.admitted() + " admitted of " + held.count() + ", held " + Results.fmt(held.seconds(), 1)
                                + " s, " + held.pings() + " pings answered, " + held.openAtEnd()
                                + " still open at the end"),
                List.of("pings answered by all soak clients (the JDK client pongs each)", out.pingsAnswered()),
                List.of("server: PONG_TIMEOUT releases", run.pongTimeouts()),
                List.of("FALSE KILLS: 4002 (pong timeout) received by a client that had not aborted",
                        out.falseKills() + (out.falseKills() == 0 ? "" : " (" + out.falseKillsWithRecentPing()
                                + " had received a ping within the " + run.plan().pongSeconds()
                                + " s pong timeout before the close; longest silence before one: "
                                + Results.fmt(out.longestSilenceBeforeFalseKillMillis(), 0)
                                + " ms; by the server's reason: " + out.falseKillsByReason() + "; "
                                + out.falseKillsInClientStall() + " fell in a stall of this client)")),
                List.of("this client's own stalls during the churn (a 50 ms sleep waking over "
                                + ClientStalls.STALL_MILLIS + " ms late): count / longest / its GC time",
                        stalls.size() + " / " + longestStallMillis + " ms / " + run.churn().clientGcMillis() + " ms"));
    }

    /** Over-admissions, the highest counts, and the operator's JMX load beside the churn. */
    private static List<List<?>> quotaRows(SoakRun run) {
        SoakLoad load = run.load();
        SoakRun.ServerDeltas server = run.server();
        return List.of(
                List.of("over-admissions: welcomes with active > quota", run.tally().overAdmissions.sum()),
                List.of("over-admissions: JMX samples with a user count > quota", load.sampledOverQuota.get()
                        + " in " + load.samples.get() + " samples"),
                List.of("highest concurrent count of one user the server reported (welcome active; JMX samples)",
                        run.highestActive() + "; " + load.sampledHighest.get()),
                List.of("users whose count reached the quota", run.usersAtQuota() + " of " + run.plan().users()),
                List.of("JMX: forceCleanup calls (slots they reclaimed) / interval changes / errors",
                        load.forced.get() + " (" + load.forcedReclaimed.get() + ") / " + load.intervalChanges.get()
                                + " / " + load.jmxErrors.get()),
                List.of("server: admissions / limit hits during the soak", server.admissions() + " / "
                        + server.limitHits()),
                List.of("server: releases by cause during the soak", server.releases().isEmpty() ? "none"
                        : server.releases().toString()),
                List.of("server: cleanup passes during the soak (timer + forced)", server.cleanupRuns()));
    }

    /** The end's counts and drift. */
    private static List<List<?>> endRows(SoakRun run) {
        SoakStep.End end = run.end();
        int interval = run.plan().finalInterval();
        return List.of(
                List.of("end: connections kept open by the client / server ActiveManagers, after " + interval + " s",
                        end.keptOpen() + " / " + end.activeHeld()),
                List.of("end: drift with connections held (sum over users of |server - client|)", end.driftHeld()),
                List.of("end: drift after all closed, after " + interval + " s (server counts left)",
                        end.driftClosed() + " (ActiveManagers " + end.activeAfter() + ")"));
    }

    /** What the soak does and how it classifies, written once above the first run's table. */
    private static void describe(Results results, SoakPlan plan) {
        int users = plan.users();
        int lanesPerUser = plan.lanesPerUser();
        int quota = plan.quota();
        int echoes = plan.echoes();
        int holdMaxMs = plan.holdMaxMs();
        double abortFraction = plan.abortFraction();
        double earlyAbortFraction = plan.earlyAbortFraction();
        int settleMs = plan.settleMs();
        results.line(SECTION, users + " users x " + lanesPerUser + " lanes (quota " + quota + ", so every user is "
                + "pushed past its quota all the time). Each lane loops: connect -> answer -> up to " + echoes + " "
                + "echoes -> hold 0.." + holdMaxMs + " ms -> close with a close frame, or ("
                + (int) (abortFraction * 100) + "% of admitted) abort the TCP connection without one; "
                + (int) (earlyAbortFraction * 100) + "% of connects are aborted right after the HTTP 101, before "
                + "the answer. Concurrently over JMX: forceCleanup every 0.5 s, CleanupIntervalSeconds cycled "
                + "through 1, 3, 2, 5 s every 3 s, every user's count sampled every 1 s. A rejection is false if "
                + "the user's other connections that the server could possibly hold stayed below the quota during "
                + "the whole connect (an aborted one counts as possibly held for " + settleMs + " ms after the "
                + "abort). The soak runs once per liveness setting (ping interval / pong timeout, set over JMX).");
        results.line(SECTION, "Every echo is classified: answered with its own text; answered with OTHER text "
                + "(wrong content: a failed check); not answered within 20 s while the connection stayed open "
                + "(timed out); or its connection ended first: by the server's close frame (by close code), by the "
                + "client's own close or abort, or lost without a close frame. A series of echoes stops at the "
                + "first that is not answered with its own text, so a late answer is never taken for the next "
                + "echo's. Holders: silent connections of other users, open through the churn and at least two ping "
                + "cycles, so the server pings them under load. A FALSE KILL is a 4002 (pong timeout) close frame "
                + "received by a soak client (lane, holder or keeper) that had not aborted: its reader was running, "
                + "and the JDK client answers every ping as it reads it; an aborted client never sees its 4002. "
                + "With the product's default ping 20 s / pong 10 s a false kill fails the run.");
    }
}
