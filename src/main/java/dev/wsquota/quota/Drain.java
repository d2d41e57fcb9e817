package dev.wsquota.quota;

import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Empties this node before a planned stop, so a rolling restart ends its clients with a reason instead of 1006 all
 * at once: from the start every new connection is refused (1013 "server draining"), and the live managers are
 * closed with 1001 "server shutting down" at the moments a {@link DrainSchedule} spreads over the window. Each
 * releases its slot before its peer is told (cause DRAINED), so in a cluster its user can reconnect on another
 * node at once. The ticker only hands each close to the connection's own close path (in the container a few at a
 * time on the managed executor), so a drain never piles up threads.
 *
 * <p>A drain lasts until {@link #end()} or the stop: once its managers are closed the node keeps refusing.
 */
public final class Drain {

    /** At most one tick per millisecond: closes due within the same millisecond go together. */
    static final long MIN_TICK_MILLIS = 1;
    /** After the last close, how long the drain waits for the peers to answer before it reports itself finished. */
    static final long CLOSE_WAIT_MILLIS = 2_000;
    /** How often the drain looks whether its closed connections have ended, once every close is made. */
    static final long CLOSE_POLL_MILLIS = 50;

    private static final Logger LOG = WeakLogger.of(Drain.class);

    private final ManagerRegistry registry;
    private final ServerCloses closes;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final AtomicInteger failures = new AtomicInteger();

    /** The running plan, or null; guarded by this. */
    private Run run;
    /** The last plan started, kept after it finished so its numbers can still be read; guarded by this. */
    private Run last;
    /** Completes when the current drain has closed its managers (or ended); guarded by this. */
    private CompletableFuture<Status> finished = new CompletableFuture<>();

    public Drain(ManagerRegistry registry, ScheduledExecutorService scheduler, RandomGenerator random) {
        this.registry = registry;
        this.closes = registry.closes();
        this.scheduler = scheduler;
        this.random = random;
    }

    /**
     * Refuses every new connection from now on and plans the close of every live manager over the next
     * {@code windowMillis}. A drain already running is re-planned: its managers still open are spread over the
     * new window, from now.
     */
    public synchronized Status start(long windowMillis) {
        if (windowMillis < 1) {
            throw new IllegalArgumentException("a drain window must be at least 1 ms, was " + windowMillis);
        }
        registry.setDraining(true); // first, so only admissions already past the check can join after the plan
        cancelRun();
        if (finished.isDone()) {
            finished = new CompletableFuture<>();
        }
        long now = registry.now();
        run = new Run(DrainSchedule.plan(registry.allManagers(), now, windowMillis, random), now, windowMillis);
        last = run;
        Run started = run;
        LOG.info(() -> "wsquota draining: closing " + started.schedule.size() + " managers with 1001 "
                + ServerCloses.SHUTTING_DOWN + " over " + windowMillis + " ms; new connections are refused with 1013 "
                + Admission.SERVER_DRAINING);
        schedule(started, 0, () -> tick(started));
        return status();
    }

    /**
     * Admits new connections again and cancels the closes not yet made; the managers already closed stay closed.
     * Returns whether the node was draining.
     */
    public boolean end() {
        boolean was;
        CompletableFuture<Status> waiting;
        Status ended;
        synchronized (this) {
            was = registry.isDraining();
            registry.setDraining(false);
            cancelRun();
            waiting = finished;
            ended = status();
        }
        waiting.complete(ended); // outside the lock: a waiter's callback may read the status
        if (was) {
            LOG.info(() -> "wsquota drain ended: admitting new connections again");
        }
        return was;
    }

    /** Cancels the ticker when the application stops; the stop itself releases what is left. */
    public void stop() {
        CompletableFuture<Status> waiting;
        Status stopped;
        synchronized (this) {
            cancelRun();
            waiting = finished;
            stopped = status();
        }
        waiting.complete(stopped);
    }

    private void cancelRun() {
        if (run != null) {
            run.cancel();
            run = null;
        }
    }

    public boolean isDraining() {
        return registry.isDraining();
    }

    /** Completes with the drain's status once every planned close is made and answered (or ended, or stopped). */
    public synchronized CompletableFuture<Status> finished() {
        return finished;
    }

    /** How the drain stands now. */
    public synchronized Status status() {
        boolean draining = registry.isDraining();
        Run shown = last;
        if (shown == null) {
            return new Status(draining, 0, 0, 0, 0, 0, draining ? registry.activeManagers() : 0, false, failures.get());
        }
        return new Status(draining, shown.startedAtMillis, shown.startedAtMillis + shown.windowMillis,
                shown.schedule.size(), shown.closed.get(), shown.leftBefore.get(),
                draining ? registry.activeManagers() : 0, shown.finished, failures.get());
    }

    /**
     * A drain as an operator reads it.
     *
     * @param draining        new connections are refused
     * @param startedAtMillis when the last drain started (epoch ms), 0 if none did
     * @param deadlineMillis  when its last planned close is due at the latest
     * @param planned         managers it planned to close
     * @param closed          managers it closed
     * @param leftBefore      planned managers that ended on their own before their close was due
     * @param managersLeft    managers this node still holds while draining; 0 when not draining
     * @param finished        every planned close is made and the peers answered or the wait for them ended
     * @param failures        ticks that failed since start (logged); the drain went on at the next tick
     */
    public record Status(boolean draining, long startedAtMillis, long deadlineMillis, int planned, int closed,
                         int leftBefore, int managersLeft, boolean finished, int failures) {
    }

    /** Runs {@code step} on the scheduler after the delay; a failing step is logged, counted and tried again. */
    private void schedule(Run target, long delayMillis, Runnable step) {
        Runnable guarded = () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.log(Level.SEVERE, "wsquota drain step failed; trying again in " + MIN_TICK_MILLIS + " ms", e);
                synchronized (this) {
                    if (run == target) {
                        schedule(target, MIN_TICK_MILLIS, step);
                    }
                }
            }
        };
        try {
            target.ticker = scheduler.schedule(guarded, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The application is stopping: its stop releases and closes every manager left (1001) itself.
            LOG.log(Level.WARNING, "wsquota drain: the scheduler refused the next step (the application is stopping?); "
                    + target.schedule.size() + " planned, " + target.closed.get() + " closed; the stop closes the rest",
                    e);
        }
    }

    /** Closes the managers that are due, then plans the next tick; after the last one, waits for the answers. */
    private void tick(Run target) {
        List<Manager> due;
        synchronized (this) {
            if (run != target) {
                return; // ended or re-planned meanwhile
            }
            due = target.schedule.takeDue(registry.now());
        }
        closeAll(target, due, true);
        synchronized (this) {
            if (run != target) {
                return;
            }
            if (!target.schedule.done()) {
                long delay = Math.max(MIN_TICK_MILLIS, target.schedule.nextDueMillis() - registry.now());
                schedule(target, delay, () -> tick(target));
                return;
            }
        }
        // Admissions that passed the check just before the drain began joined after the plan was made.
        closeAll(target, registry.allManagers(), false);
        awaitAnswers(target);
    }

    /** Closes and releases the managers; {@code planned}: they were in the plan (else: the sweep after it). */
    private void closeAll(Run target, List<Manager> managers, boolean planned) {
        for (Manager manager : managers) {
            Connection connection = manager.connection();
            if (closes.releaseAndCloseQuietly(manager, ReleaseCause.DRAINED, CloseCodes.GOING_AWAY,
                    ServerCloses.SHUTTING_DOWN)) {
                target.closed.incrementAndGet();
                target.closing.add(connection);
            } else if (planned) {
                target.leftBefore.incrementAndGet();
            }
        }
    }

    /** Polls until every closed connection has ended or the close wait is over, then reports the drain finished. */
    private void awaitAnswers(Run target) {
        long now = registry.now();
        if (target.answersDeadline == 0) {
            target.answersDeadline = now + CLOSE_WAIT_MILLIS;
        }
        target.closing.removeIf(connection -> !stillOpen(connection));
        CompletableFuture<Status> waiting;
        Status done;
        synchronized (this) {
            if (run != target) {
                return;
            }
            if (!target.closing.isEmpty() && now < target.answersDeadline) {
                schedule(target, CLOSE_POLL_MILLIS, () -> awaitAnswers(target));
                return;
            }
            target.finished = true;
            run = null; // nothing left to cancel; last keeps its numbers
            waiting = finished;
            done = status();
        }
        int open = target.closing.size();
        LOG.info(() -> "wsquota drained: closed " + done.closed() + " managers with 1001 in "
                + (now - target.startedAtMillis) + " ms, " + done.leftBefore() + " had ended before their turn"
                + (open == 0 ? "" : "; " + open + " peers had not answered the close after " + CLOSE_WAIT_MILLIS
                + " ms (the container ends those)") + "; new connections are still refused");
        waiting.complete(done);
    }

    private static boolean stillOpen(Connection connection) {
        try {
            return connection.isOpen();
        } catch (RuntimeException e) {
            return false; // a session whose state cannot be read is not one to wait for
        }
    }

    /** One planned drain: its schedule, its ticker and what it has done. */
    private static final class Run {
        final DrainSchedule schedule;
        final long startedAtMillis;
        final long windowMillis;
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger leftBefore = new AtomicInteger();
        /** Connections closed by this drain whose peers have not answered yet; only the ticker touches it. */
        final List<Connection> closing = new ArrayList<>();
        volatile Future<?> ticker;
        volatile boolean finished;
        long answersDeadline;

        Run(DrainSchedule schedule, long startedAtMillis, long windowMillis) {
            this.schedule = schedule;
            this.startedAtMillis = startedAtMillis;
            this.windowMillis = windowMillis;
        }

        void cancel() {
            Future<?> running = ticker;
            if (running != null) {
                running.cancel(false);
            }
        }
    }
}
