package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Admission that never turns a user away because of dead connections: at the quota, the user's
 * silent managers are pinged, and those that do not answer within the probe timeout are closed and
 * released before the on-limit policy is applied. The new connection waits on a scheduler, never on
 * a container thread: the answer comes through a callback. Connections that reach the quota while a user's
 * probe runs join it instead of pinging the same managers again, so a reconnect storm costs one ping per
 * silent manager per probe timeout, not one per attempt; once as many wait as the round can free slots, the
 * next ones are answered at once.
 */
public final class ProbingAdmission {

    /** How often a running probe looks whether every probed manager has answered. */
    static final long POLL_MILLIS = 10;
    /** How much longer than its own probe a new connection waits for the other nodes' probes to report. */
    static final long OTHER_NODES_MARGIN_MILLIS = 500;

    private static final Logger LOG = WeakLogger.of(ProbingAdmission.class);

    private final ManagerRegistry registry;
    private final ServerCloses closes;
    private final ScheduledExecutorService scheduler;
    private final RemoteProbes otherNodes;
    private volatile OnLimitPolicy policy;
    private volatile long probeAfterMillis;
    private volatile long probeTimeoutMillis;
    private final Queue<WaitingAdmission> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, ProbeRound> rounds = new ConcurrentHashMap<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final LongAdder probes = new LongAdder();
    private final LongAdder probeReclaimed = new LongAdder();

    public ProbingAdmission(ManagerRegistry registry, ScheduledExecutorService scheduler, OnLimitPolicy policy,
                            long probeAfterMillis, long probeTimeoutMillis) {
        this.registry = registry;
        this.closes = registry.closes();
        this.scheduler = scheduler;
        this.otherNodes = new RemoteProbes(scheduler);
        this.policy = policy;
        this.probeAfterMillis = probeAfterMillis;
        this.probeTimeoutMillis = probeTimeoutMillis;
    }

    /** In a cluster: the other nodes, whose silent managers are probed too, and where the oldest may be evicted. */
    public void setOtherNodes(OtherNodes otherNodes) {
        this.otherNodes.setNodes(otherNodes);
    }

    /**
     * Asks for a slot. {@code answer} gets the admission exactly once: at once when no probe is
     * needed, else on the scheduler when the probe ends (all answered, or the timeout passed).
     */
    public void admit(String user, Connection connection, Consumer<Admission> answer) {
        Admission first = registry.tryAdmit(user, connection);
        if (first.outcome() != Admission.Outcome.USER_QUOTA) {
            answer.accept(first);
            return;
        }
        long started = registry.now();
        ProbeRound running = rounds.get(user);
        if (running != null && started < running.deadline() && running.full()) {
            answer.accept(decide(user, connection)); // every slot the running round can free is spoken for
            return;
        }
        List<Manager> silent = silentManagers(user, started);
        // In a cluster the user's silent managers on the other nodes are probed there, in parallel with this node's.
        CompletableFuture<Integer> elsewhere = otherNodes.probe(user, probeTimeoutMillis);
        if (!silent.isEmpty()) {
            WaitingAdmission waiting = join(user, connection, answer, silent, started, elsewhere);
            if (waiting == null) {
                answer.accept(decide(user, connection));
                return;
            }
            pending.add(waiting);
            startPoller();
        } else if (elsewhere.isDone()) {
            answer.accept(decide(user, connection));
        } else {
            elsewhere.whenComplete((reclaimed, error) -> concludeAfterOthers(user, connection, answer));
        }
    }

    /**
     * Probes the user's silent managers on this node for another node at its quota: pings them, waits at most the
     * probe timeout, and closes and releases those that did not answer; returns how many. Blocks the caller.
     */
    public int probeHere(String user) throws InterruptedException {
        long started = registry.now();
        List<Manager> silent = silentManagers(user, started);
        if (silent.isEmpty()) {
            return 0;
        }
        WaitingAdmission waiting = new WaitingAdmission(user, null, decided -> { }, newRound(silent, started),
                CompletableFuture.completedFuture(0));
        while (!waiting.finished(registry.now())) {
            Thread.sleep(POLL_MILLIS);
        }
        return waiting.reclaimUnanswered();
    }

    private List<Manager> silentManagers(String user, long now) {
        long silentFor = probeAfterMillis;
        return registry.managersOf(user).stream().filter(manager -> manager.idleMillis(now) >= silentFor).toList();
    }

    /**
     * This connection's wait on a probe round: it joins the user's round still running (its pings are already out),
     * else pings the silent managers in a new round. Null if the running round already has as many waiting
     * connections as it pinged managers: it cannot free a slot for one more, which is then answered at once.
     */
    private WaitingAdmission join(String user, Connection connection, Consumer<Admission> answer,
                                  List<Manager> silent, long started, CompletableFuture<Integer> elsewhere) {
        boolean[] joined = {true};
        ProbeRound round = rounds.compute(user, (u, running) -> {
            if (running == null || started >= running.deadline()) {
                return newRound(silent, started);
            }
            joined[0] = running.join();
            return running;
        });
        return joined[0] ? new WaitingAdmission(user, connection, answer, round, elsewhere) : null;
    }

    private ProbeRound newRound(List<Manager> silent, long started) {
        probes.increment();
        return ProbeRound.ping(silent, registry::now, started + probeTimeoutMillis);
    }

    private void concludeAfterOthers(String user, Connection connection, Consumer<Admission> answer) {
        Admission admission;
        try {
            admission = decide(user, connection);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "admission of " + LogSafe.user(user) + " failed after the cluster probe", e);
            admission = Admission.unavailable(user, "quota service unavailable: " + e.getClass().getSimpleName());
        }
        answer.accept(admission);
    }

    /**
     * One poller for all running probes, so a burst of connections at quota costs one task per tick, not one per probe.
     */
    private void startPoller() {
        if (polling.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::poll, POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                // No scheduler (the application is stopping): nobody may be left waiting, so decide now.
                polling.set(false);
                LOG.log(Level.SEVERE, "cannot schedule the probe poller; deciding the waiting admissions without it",
                        e);
                for (WaitingAdmission waiting = pending.poll(); waiting != null; waiting = pending.poll()) {
                    waiting.answer.accept(decide(waiting.user, waiting.connection)); // nobody reclaimed unheard
                }
            }
        }
    }

    private void concludeLater(WaitingAdmission waiting) {
        try {
            scheduler.execute(waiting::conclude);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot hand a finished probe to the scheduler; concluding it on the poller", e);
            waiting.conclude();
        }
    }

    private void poll() {
        try {
            long now = registry.now();
            for (WaitingAdmission waiting : pending) {
                if (waiting.finished(now) && pending.remove(waiting)) {
                    concludeLater(waiting);
                }
            }
        } catch (RuntimeException e) {
            // Never leave a waiting connection without an answer: the next tick tries again.
            LOG.log(Level.SEVERE, "probe poller failed; retrying at the next tick", e);
        } finally {
            polling.set(false);
            if (!pending.isEmpty()) {
                startPoller();
            }
        }
    }

    private Admission decide(String user, Connection connection) {
        OnLimitPolicy now = policy;
        Admission admission = registry.admit(user, connection, now);
        if (admission.outcome() == Admission.Outcome.USER_QUOTA && now == OnLimitPolicy.EVICT_OLDEST
                && otherNodes.evictOldest(user, probeTimeoutMillis)) {
            admission = registry.admit(user, connection, now); // the oldest was on another node: its slot is free now
        }
        Manager evicted = admission.evicted();
        if (evicted != null) {
            try {
                evicted.connection().close(CloseCodes.REPLACED, "replaced by a newer connection");
            } catch (Exception e) {
                LOG.log(Level.WARNING, "could not send the close frame to " + evicted
                        + " it replaced; its slot is already free", e);
            }
        }
        return admission;
    }

    /** One waiting admission: done when every probed manager answered (or is gone), or at the deadline. */
    private final class WaitingAdmission {
        private final String user;
        private final Connection connection;
        private final Consumer<Admission> answer;
        private final ProbeRound round;
        private final long deadline;
        private final CompletableFuture<Integer> elsewhere;

        WaitingAdmission(String user, Connection connection, Consumer<Admission> answer, ProbeRound round,
                         CompletableFuture<Integer> elsewhere) {
            this.user = user;
            this.connection = connection;
            this.answer = answer;
            this.round = round;
            this.deadline = round.deadline();
            this.elsewhere = elsewhere;
        }

        /**
         * Done when every probed manager answered or left; else from the deadline on, once every unanswered one is
         * overdue (the timeout counts from its ping's write), and at the latest one more probe timeout later (what
         * is still undecided then is the sweep's to judge).
         */
        boolean finished(long now) {
            if (!elsewhere.isDone() && now < deadline + OTHER_NODES_MARGIN_MILLIS) {
                return false;
            }
            long timeout = probeTimeoutMillis;
            return round.settled(registry) || now >= deadline
                    && (now >= deadline + timeout || round.judged(registry, timeout, now));
        }

        /** Closes and releases the probed managers that did not answer; returns how many. */
        int reclaimUnanswered() {
            int reclaimed = round.reclaimUnanswered(closes, probeTimeoutMillis, registry.now());
            probeReclaimed.add(reclaimed);
            return reclaimed;
        }

        void conclude() {
            rounds.remove(user, round); // later arrivals start a round of their own
            Admission admission;
            try {
                reclaimUnanswered();
                admission = decide(user, connection);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "probe for " + LogSafe.user(user) + " failed; deciding without it", e);
                admission = decide(user, connection);
            }
            answer.accept(admission);
        }
    }

    public OnLimitPolicy policy() {
        return policy;
    }

    public void setPolicy(OnLimitPolicy policy) {
        this.policy = policy;
    }

    public long probeAfterMillis() {
        return probeAfterMillis;
    }

    public void setProbeAfterMillis(long millis) {
        probeAfterMillis = millis;
    }

    public long probeTimeoutMillis() {
        return probeTimeoutMillis;
    }

    public void setProbeTimeoutMillis(long millis) {
        probeTimeoutMillis = millis;
    }

    /**
     * Probe rounds started since start (a user at quota with silent managers; connections arriving during a round join
     * it).
     */
    public long probes() {
        return probes.sum();
    }

    /** Managers closed and released because they did not answer a probe, since start. */
    public long probeReclaimed() {
        return probeReclaimed.sum();
    }
}
