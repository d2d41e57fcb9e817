package dev.wsquota.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Silent connections of users the churn does not use, open through the whole churn and at least two ping cycles,
 * so the server pings them under load; every one that gets a 4002 is a false kill.
 */
final class SoakHolders {

    /** What the holders saw, for the soak's table. */
    record Held(int users, int count, int admitted, double seconds, long pings, int openAtEnd) {
    }

    private final List<WsConn> holders = new ArrayList<>();
    private final SoakPlan plan;
    private long openedNanos;
    private int admitted;

    private SoakHolders(SoakPlan plan) {
        this.plan = plan;
    }

    /** Opens the plan's holders and waits for their answers. */
    static SoakHolders open(SoakPlan plan, URI uri, SoakStep.Tally tally) {
        SoakHolders open = new SoakHolders(plan);
        for (int h = 0; h < plan.holderCount(); h++) {
            open.holders.add(tally.open(uri, BenchServer.user(plan.users() + h / plan.quota())));
        }
        open.openedNanos = System.nanoTime();
        for (WsConn holder : open.holders) {
            WsConn.Answer answer = holder.answer().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (answer != null && answer.admitted()) {
                open.admitted++;
            } else {
                tally.example("holder of " + holder.user + " not admitted: " + answer);
            }
        }
        return open;
    }

    /** Holds them for the plan's minimum, then closes them all and says what they saw. */
    Held close(SoakStep.Tally tally) throws InterruptedException {
        long holdLeft = plan.minHoldNanos() - (System.nanoTime() - openedNanos);
        if (holdLeft > 0) {
            TimeUnit.NANOSECONDS.sleep(holdLeft);
        }
        long pings = 0;
        int openAtEnd = 0;
        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        for (WsConn holder : holders) {
            pings += holder.pings();
            if (holder.ended() == null) {
                openAtEnd++;
            } else if (holder.answer().getNow(null) != null && holder.answer().getNow(null).admitted()) {
                tally.example("holder of " + holder.user + " ended before the churn did: "
                        + holder.ended().getMessage());
            }
            closes.add(holder.close());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double seconds = (System.nanoTime() - openedNanos) / 1e9;
        return new Held(plan.holderUsers(), plan.holderCount(), admitted, seconds, pings, openAtEnd);
    }
}
