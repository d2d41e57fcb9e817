package dev.wsquota.bench;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's churn: {@code lanes} loops of connection lives, each for one user, driven by callbacks on the timer
 * (never blocking a thread) until the plan's attempts are spent or its time is up.
 */
final class SoakLanes {

    private final URI uri;
    private final SoakPlan plan;
    private final SoakStep.Tally tally;
    private final ScheduledExecutorService timer;
    private final AtomicLong budget;
    private final long deadline;
    private final CountDownLatch done;

    SoakLanes(URI uri, SoakPlan plan, SoakStep.Tally tally, ScheduledExecutorService timer) {
        this.uri = uri;
        this.plan = plan;
        this.tally = tally;
        this.timer = timer;
        this.budget = new AtomicLong(plan.total());
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.maxSeconds());
        this.done = new CountDownLatch(plan.lanes());
    }

    /** Starts every lane within the first second, spread at random. */
    void start(SoakStep.UserState[] users) {
        for (int lane = 0; lane < plan.lanes(); lane++) {
            SoakStep.UserState user = users[lane % users.length];
            timer.schedule(() -> lane(user), ThreadLocalRandom.current().nextInt(1000), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits for every lane to end; false if some did not within the plan's time and a margin. */
    boolean await() throws InterruptedException {
        return done.await(plan.maxSeconds() + 90L, TimeUnit.SECONDS);
    }

    /** One connection life of the lane; its end schedules the next. */
    private void lane(SoakStep.UserState user) {
        if (budget.getAndDecrement() <= 0 || System.nanoTime() > deadline) {
            done.countDown();
            return;
        }
        tally.attempts.increment();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean abortEarly = random.nextDouble() < plan.earlyAbortFraction();
        boolean abortLate = random.nextDouble() < plan.abortFraction();
        SoakStep.Attempt attempt = user.begin();
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
                    failed(conn, user);
                    return;
                }
                answered(conn, user, answer, others, abortLate);
            } catch (RuntimeException e) {
                tally.failures.increment();
                tally.example("lane error for " + user.name + ": " + e);
                settle(user);
                timer.schedule(() -> lane(user), 10, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void answered(WsConn conn, SoakStep.UserState user, WsConn.Answer answer, int others, boolean abortLate) {
        switch (answer.kind()) {
            case WELCOME -> welcomed(conn, user, answer.active(), abortLate);
            case CLOSED -> {
                refused(user, answer, others);
                user.released();
                timer.schedule(() -> lane(user), 20 + ThreadLocalRandom.current().nextInt(30), TimeUnit.MILLISECONDS);
            }
            case ABORTED -> {
                tally.abortedBeforeAnswer.increment();
                settle(user);
                timer.execute(() -> lane(user));
            }
            case FAILED -> {
                tally.failures.increment();
                tally.example("handshake failed for " + user.name + ": " + answer.reason());
                failed(conn, user);
            }
        }
    }

    private void welcomed(WsConn conn, SoakStep.UserState user, int active, boolean abortLate) {
        tally.admitted.increment();
        user.welcomed(active);
        if (active > plan.quota() || active < 1) {
            tally.overAdmissions.increment();
            tally.example("over-admission: " + user.name + " active " + active + " quota " + plan.quota());
        }
        echo(conn, user, plan.echoes(), 0).whenComplete((ok, e) -> {
            long hold = plan.holdMaxMs() <= 0 ? 0 : ThreadLocalRandom.current().nextInt(plan.holdMaxMs() + 1);
            timer.schedule(() -> end(conn, user, abortLate), hold, TimeUnit.MILLISECONDS);
        });
    }

    /** A close before the welcome: a 1013 is a true rejection if the others may have held the quota, else false. */
    private void refused(SoakStep.UserState user, WsConn.Answer answer, int others) {
        if (answer.code() == 1013 && answer.reason() != null && answer.reason().startsWith("quota exceeded")) {
            if (others >= plan.quota()) {
                tally.trueRejections.increment();
            } else {
                tally.falseRejections.increment();
                tally.example("false rejection: " + user.name + " others at most " + others + ", reason '"
                        + answer.reason() + "'");
            }
        } else {
            tally.otherCloses.increment();
            tally.example("close before welcome for " + user.name + ": " + answer.code() + " " + answer.reason());
        }
    }

    private void failed(WsConn conn, SoakStep.UserState user) {
        conn.abort();
        settle(user);
        timer.schedule(() -> lane(user), 10, TimeUnit.MILLISECONDS);
    }

    /** Echoes one after another; the first not answered with its own text ends the series (it is classified). */
    private CompletableFuture<Void> echo(WsConn conn, SoakStep.UserState user, int left, int n) {
        if (left == 0) {
            return CompletableFuture.completedFuture(null);
        }
        String text = "soak " + user.name + " " + n + " " + conn.hashCode();
        return conn.echo(text).handle((reply, e) -> tally.outcomes.echo(conn, text, reply, e))
                .thenCompose(kind -> kind == SoakOutcomes.Echo.ANSWERED ? echo(conn, user, left - 1, n + 1)
                        : CompletableFuture.completedFuture(null));
    }

    private void end(WsConn conn, SoakStep.UserState user, boolean abort) {
        if (abort) {
            conn.abort();
            tally.abortedAfterWelcome.increment();
            settle(user);
            timer.execute(() -> lane(user));
            return;
        }
        conn.close().whenComplete((code, e) -> {
            if (code != null && code == -2) {
                tally.closeTimeouts.increment();
                conn.abort();
                settle(user);
            } else {
                tally.graceful.increment();
                user.released();
            }
            timer.execute(() -> lane(user));
        });
    }

    /** An aborted connection stays "possibly held" for a while: the server learns of an abort only from TCP. */
    private void settle(SoakStep.UserState user) {
        timer.schedule(user::released, plan.settleMs(), TimeUnit.MILLISECONDS);
    }
}
