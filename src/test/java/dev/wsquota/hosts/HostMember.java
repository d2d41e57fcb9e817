package dev.wsquota.hosts;

import dev.wsquota.cluster.ClusterEvents;
import dev.wsquota.cluster.ClusterSettings;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.cluster.OperatorActions;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.ServerCloses;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of a cluster-hosts scenario, run in its own network namespace: the product's own classes from the
 * settings to the registry (bind address, Hazelcast member, ledger, {@link ManagerRegistry} admission, the lease
 * keeper's tick and fence through {@link OperatorActions}, the cluster-wide {@code enforceQuotas} after a
 * merge), with simulated clients in place of WebSocket connections. Each client connects, holds the connection
 * for a while, and closes; every welcome, end and refusal goes to a history file, one flushed line per event, so
 * a {@code kill -9} loses nothing that happened.
 *
 * <p>Arguments as {@code key=value}: node, members, port, lease, min, quota, clients
 * ({@code user:count:minHoldMillis:maxHoldMillis,...}), seconds (how long the load runs), history (file),
 * address (optional).
 */
public final class HostMember {

    /** A gap in this process's own 100 ms ticks longer than this is recorded as a stall. */
    static final long STALL_MILLIS = 1_500;

    private final String node;
    private final PrintWriter history;
    private final AtomicLong serial = new AtomicLong();
    private volatile HazelcastLedger ledger;
    private volatile ManagerRegistry registry;
    private volatile OperatorActions wide;

    private HostMember(String node, Path historyFile) throws IOException {
        this.node = node;
        this.history = new PrintWriter(Files.newBufferedWriter(historyFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), false);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> arg = new HashMap<>();
        for (String a : args) {
            arg.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        HostMember member = new HostMember(arg.get("node"), Path.of(arg.get("history")));
        member.run(arg);
    }

    synchronized void record(String event, String user, String id, String detail) {
        history.println(System.currentTimeMillis() + "\t" + node + "\t" + event + "\t" + user + "\t" + id + "\t"
                + detail.replace('\t', ' ').replace('\n', ' '));
        history.flush();
    }

    private void run(Map<String, String> arg) throws Exception {
        ClusterSettings settings = new ClusterSettings(true, "hosts", Integer.parseInt(arg.get("port")),
                List.of(arg.get("members").split(",")), Integer.parseInt(arg.get("lease")),
                Integer.parseInt(arg.get("min")), arg.getOrDefault("address", ""));
        int quota = Integer.parseInt(arg.get("quota"));
        long loadMillis = Long.parseLong(arg.get("seconds")) * 1000;
        record("STARTING", "-", "-", settings.members().toString());
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        ledger = HazelcastLedger.start(settings, HostMember.class.getClassLoader(), new Events(), background);
        record("JOINED", "-", "-", ledger.localMember() + " members " + ledger.members());
        registry = new ManagerRegistry(new QuotaLimits(quota, 100_000), System::currentTimeMillis, ledger);
        ServerCloses actions = registry.closes();
        wide = new OperatorActions(registry, actions, new ProbingAdmission(registry, background,
                OnLimitPolicy.REJECT, 0, 1_000), ledger.managers(), null);
        ledger.afterMerge(() -> {
            try {
                record("ENFORCED", "-", "-", "closed " + wide.enforceQuotas() + " above quota after the merge");
            } catch (RuntimeException e) {
                record("ENFORCE-ERROR", "-", "-", String.valueOf(e));
            }
        }, background);

        Thread watch = new Thread(this::watchStalls, node + "-stall-watch");
        watch.setDaemon(true);
        watch.start();
        ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
        keeper.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);

        long until = System.currentTimeMillis() + loadMillis;
        List<Thread> clients = new java.util.ArrayList<>();
        for (String spec : arg.get("clients").split(",")) {
            String[] f = spec.split(":");
            for (int i = 0; i < Integer.parseInt(f[1]); i++) {
                long minHold = Long.parseLong(f[2]);
                long maxHold = Long.parseLong(f[3]);
                Thread client = new Thread(() -> clientLoop(f[0], minHold, maxHold, until), node + "-" + f[0] + i);
                client.start();
                clients.add(client);
            }
        }
        for (Thread client : clients) {
            client.join();
        }
        keeper.shutdownNow();
        record("STOPPING", "-", "-", "fenced=" + ledger.isFenced() + " fencings=" + ledger.fencings()
                + " renewalFailures=" + ledger.renewalFailures() + " purged=" + ledger.purgedSlots());
        ledger.close();
        background.shutdownNow();
        history.close();
        System.exit(0);
    }

    private void tick() {
        try {
            if (ledger.tick(wide::heldIdsByUser)) {
                record("FENCE-CLOSED", "-", "-", Integer.toString(wide.fence()));
            }
        } catch (RuntimeException e) {
            record("TICK-ERROR", "-", "-", String.valueOf(e));
        }
    }

    /**
     * Records every stretch of more than {@link #STALL_MILLIS} in which this process did not run a 100 ms sleep on
     * time (the whole JVM paused: GC, safepoint, CPU starvation, SIGSTOP): it tells a stalled node from a network
     * that lost its heartbeats.
     */
    private void watchStalls() {
        long last = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return; // the process is leaving
            }
            long now = System.nanoTime();
            long gap = (now - last) / 1_000_000;
            if (gap > STALL_MILLIS) {
                record("STALL", "-", "-", gap + " ms");
            }
            last = now;
        }
    }

    /** One client: connect; when welcomed hold the connection, then close; pause 50 to 300 ms; repeat. */
    private void clientLoop(String user, long minHold, long maxHold, long until) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.currentTimeMillis() < until) {
            String id = node + "-" + ProcessHandle.current().pid() + "-" + serial.incrementAndGet(); // unique
            RecordedConnection connection = new RecordedConnection(this, user, id); // across restarts of the node
            try {
                Admission admission = registry.admit(user, connection);
                if (admission.isAdmitted()) {
                    if (connection.welcomed(admission.active())) {
                        sleepUntil(Math.min(until, System.currentTimeMillis() + random.nextLong(minHold, maxHold)));
                        if (connection.closedByClient()) {
                            registry.release(admission.manager(), ReleaseCause.CLOSE);
                        }
                    }
                } else {
                    connection.refused(admission.outcome() == Admission.Outcome.UNAVAILABLE
                            ? "unavailable " + admission.rejectReason() : "quota " + admission.rejectReason());
                }
            } catch (RuntimeException e) {
                connection.refused("error " + e);
            }
            sleepUntil(System.currentTimeMillis() + random.nextLong(50, 300));
        }
        // the load is over: this client closes what it holds, as the process leaves
    }

    private static void sleepUntil(long at) {
        long left = at - System.currentTimeMillis();
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Events implements ClusterEvents {
        @Override
        public void memberJoined(String member, int members) {
            record("MEMBER-JOINED", "-", "-", member + " size " + members);
        }

        @Override
        public void memberLeft(String member, int members, int purgedSlots) {
            record("MEMBER-LEFT", "-", "-", member + " size " + members + " purged " + purgedSlots);
        }

        @Override
        public void fenced(String why) {
            record("FENCED", "-", "-", why);
        }

        @Override
        public void unfenced() {
            record("UNFENCED", "-", "-", "");
        }
    }
}
