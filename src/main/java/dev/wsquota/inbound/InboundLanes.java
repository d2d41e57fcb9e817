package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.WeakLogger;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries each manager's events to the handler off the WebSocket read threads: one lane per manager, whose events
 * (opened, its messages, closed) run one at a time in that order on the executor, so a slow handler holds only its
 * own manager's lane. A lane holds at most {@code maxInFlight} messages waiting or running; one more is answered at
 * once with an error frame and dropped, so nothing queues without bound.
 *
 * <p>Lanes exist only for welcomed managers: {@link #open} before the welcome, {@link Lane#start} after it, and
 * {@link #released} (the registry's release listener) ends the lane with the manager's release cause.
 */
public final class InboundLanes {

    /** The error frame's reason when a manager has too many messages in flight. */
    public static final String BUSY = "too many messages in flight";
    /** The error frame's reason when a handler fails in a way the client is not told more about. */
    public static final String HANDLER_FAILED = "handler failed";

    private static final Logger LOG = WeakLogger.of(InboundLanes.class);
    private static final long IDLE_POLL_MILLIS = 10;

    private final Executor executor;
    private final InboundHandler handler;
    private final Replies replies;
    private final InboundStatistics statistics;
    private final int maxInFlight;
    private final ConcurrentHashMap<Manager, Lane> lanes = new ConcurrentHashMap<>();
    /** Lanes with a step handed to the executor or running: a closed lane stays here until its closed event ran. */
    private final AtomicInteger busy = new AtomicInteger();

    public InboundLanes(Executor executor, InboundHandler handler, ManagerOutbox outbox, InboundStatistics statistics,
                        int maxInFlight) {
        this.executor = executor;
        this.handler = handler;
        this.statistics = statistics;
        this.replies = new Replies(outbox, statistics);
        this.maxInFlight = maxInFlight;
    }

    /**
     * A lane for a just-admitted manager, holding its messages until {@link Lane#start}. A manager released
     * before its lane existed (the release listener found nothing) gets its end here, from its recorded cause.
     */
    public Lane open(Manager manager) {
        Lane lane = new Lane(manager);
        lanes.put(manager, lane);
        ReleaseCause cause = manager.releaseCause();
        if (cause != null && lanes.remove(manager, lane)) {
            lane.end(cause);
        }
        return lane;
    }

    /** The registry's release listener: ends the manager's lane (its closed event runs after its messages). */
    public void released(Manager manager, ReleaseCause cause) {
        Lane lane = lanes.remove(manager);
        if (lane != null) {
            lane.end(cause);
        }
    }

    /** Messages of live managers waiting or running now, read from the lanes. */
    public int inFlight() {
        int sum = 0;
        for (Lane lane : lanes.values()) {
            sum += lane.inFlight();
        }
        return sum;
    }

    /**
     * Waits, at most {@code millis}, until no lane has an event waiting or running, e.g. the closed events of the
     * managers the application's stop released; returns whether they all ran.
     */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (busy.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(IDLE_POLL_MILLIS);
        }
        return true;
    }

    /** Lanes with an event waiting or running now. */
    public int busyLanes() {
        return busy.get();
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public InboundStatistics statistics() {
        return statistics;
    }

    /** What a manager's lane runs, one at a time. */
    private record Step(Supplier<CompletionStage<?>> run, boolean message, String what) {
    }

    /** One manager's events, in order. */
    public final class Lane {

        private final Manager manager;
        /** Guarded by this lane, as are the fields below. */
        private final ArrayDeque<Step> steps = new ArrayDeque<>();
        private int messages;
        private boolean started;
        private boolean running;
        private boolean ended;

        private Lane(Manager manager) {
            this.manager = manager;
        }

        /** After the welcome: the opened event runs first, then anything the client sent before it. */
        public void start(int active) {
            ManagerOpened opened = new ManagerOpened(manager, active, replies);
            synchronized (this) {
                steps.addFirst(new Step(() -> handler.opened(opened), false, "opened"));
                started = true;
            }
            kick();
        }

        /**
         * Queues a client's message; at {@code maxInFlight} it is refused at once with an error frame instead
         * (on the caller's thread). False if refused or if the lane has ended (the connection is going away).
         */
        public boolean message(String text) {
            ClientMessage message = new ClientMessage(manager, text, replies);
            boolean queued;
            synchronized (this) {
                if (ended) {
                    return false; // its closed event is queued: a message racing the close is dropped with it
                }
                queued = messages < maxInFlight;
                if (queued) {
                    messages++;
                    steps.add(new Step(() -> handler.message(message), true, "message"));
                }
            }
            if (!queued) {
                statistics.countBusy();
                replies.error(manager, BUSY + " (" + maxInFlight + ")");
                return false;
            }
            statistics.countMessage();
            kick();
            return true;
        }

        private void end(ReleaseCause cause) {
            ManagerClosed closed = new ManagerClosed(manager.user(), manager.id(), cause);
            synchronized (this) {
                ended = true;
                steps.add(new Step(() -> handler.closed(closed), false, "closed"));
            }
            kick();
        }

        synchronized int inFlight() {
            return messages;
        }

        private void kick() {
            synchronized (this) {
                if (!started || running || steps.isEmpty()) {
                    return;
                }
                running = true;
                busy.incrementAndGet();
            }
            try {
                executor.execute(this::runNext);
            } catch (RejectedExecutionException e) {
                dropAll("the executor refused it (is the application stopping?)");
            }
        }

        private void runNext() {
            Step step;
            synchronized (this) {
                step = steps.poll();
                if (step == null) {
                    running = false;
                    busy.decrementAndGet();
                    return;
                }
            }
            CompletionStage<?> stage;
            try {
                stage = step.run().get();
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            AtomicBoolean ran = new AtomicBoolean();
            stage.whenCompleteAsync((ignored, failure) -> {
                ran.set(true);
                finish(step, failure);
                runNext();
            }, executor).whenComplete((ignored, failure) -> {
                // The executor refused the hop: the callback never ran, so this lane would stay "running" for good.
                if (!ran.get() && unwrap(failure) instanceof RejectedExecutionException) {
                    dropAll("the executor refused the next step (is the application stopping?)");
                }
            });
        }

        private void finish(Step step, Throwable failure) {
            if (step.message()) {
                synchronized (this) {
                    messages--;
                }
            }
            if (failure == null) {
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof HandlerFailure known) {
                statistics.countFailure(known.kind());
                LOG.info(() -> step.what() + " of " + manager + ": " + known.reason());
                if (step.message()) {
                    replies.error(manager, known.reason());
                }
                return;
            }
            statistics.countHandlerError();
            LOG.log(Level.WARNING, "the " + step.what() + " handler for " + manager + " failed", cause);
            if (step.message()) {
                replies.error(manager, HANDLER_FAILED);
            }
        }

        private void dropAll(String why) {
            int dropped;
            synchronized (this) {
                dropped = steps.size();
                steps.clear();
                messages = 0;
                if (running) {
                    running = false;
                    busy.decrementAndGet();
                }
            }
            statistics.countDropped(dropped);
            // At shutdown this happens to every lane at once: counted, and logged only at FINE.
            LOG.fine(() -> dropped + " inbound event(s) of " + manager + " dropped: " + why);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
