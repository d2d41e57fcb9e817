package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler on a fake clock: tasks run only when the test moves the clock past their time, in time order, on
 * the test's thread. Periodic scheduling is not supported (nothing here uses it).
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final AtomicLong clock;
    private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>(Comparator.comparingLong((Task<?> t) -> t.due)
            .thenComparingLong(t -> t.sequence));
    private long sequence;
    private boolean shutdown;
    /** When each task ran, on the fake clock. */
    final List<Long> ranAt = new ArrayList<>();

    /** @param clock the fake clock in milliseconds, shared with the code under test */
    ManualScheduler(AtomicLong clock) {
        this.clock = clock;
    }

    /** Moves the clock forward to {@code millis}, running every task due by then at its own time. */
    void advanceTo(long millis) {
        for (Task<?> next = tasks.peek(); next != null && next.due <= millis; next = tasks.peek()) {
            tasks.poll();
            clock.set(Math.max(clock.get(), next.due));
            if (!next.isCancelled()) {
                ranAt.add(clock.get());
                next.run();
            }
        }
        clock.set(Math.max(clock.get(), millis));
    }

    /** Tasks waiting to run, cancelled ones included. */
    int pending() {
        return (int) tasks.stream().filter(task -> !task.isCancelled()).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(Executors.callable(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Task<V> task = new Task<>(callable, clock.get() + unit.toMillis(Math.max(0, delay)), sequence++);
        tasks.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the code under test");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the code under test");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long due;
        final long sequence;

        Task(Callable<V> callable, long due, long sequence) {
            super(callable);
            this.due = due;
            this.sequence = sequence;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - clock.get(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }
    }
}
