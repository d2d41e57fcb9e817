package dev.wsquota.hosts;

import dev.wsquota.cluster.ClusterEvents;
import dev.wsquota.cluster.ClusterSettings;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.quota.SlotLedger;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of a cluster-hosts scenario, run in its own network namespace: the product's own cluster classes
 * (settings, bind address, Hazelcast member, ledger, lease keeper's tick and fence) with simulated clients in
 * place of WebSocket connections. Each client opens (claims), holds for a while, and closes (releases), in the
 * product's order; every welcome, end and refusal goes to a history file, one flushed line per event, so a
 * {@code kill -9} loses nothing that happened.
 *
 * <p>Arguments as {@code key=value}: node, members, port, lease, min, quota, clients (per user, user:count,...),
 * seconds (how long the load runs), history (file), address (optional).
 */
public final class HostMember {

    private final String node;
    private final PrintWriter history;
    private final Map<String, String> held = new ConcurrentHashMap<>(); // manager id -> user
    private final AtomicLong serial = new AtomicLong();
    private volatile HazelcastLedger ledger;

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

    private synchronized void record(String event, String user, String id, String detail) {
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
        ledger.afterMerge(() -> record("MERGED", "-", "-", "a split healed"), background);

        ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
        keeper.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);

        long until = System.currentTimeMillis() + loadMillis;
        List<Thread> clients = new java.util.ArrayList<>();
        for (String spec : arg.get("clients").split(",")) {
            String user = spec.substring(0, spec.indexOf(':'));
            int count = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
            for (int i = 0; i < count; i++) {
                Thread client = new Thread(() -> clientLoop(user, quota, until), node + "-" + user + "-" + i);
                client.start();
                clients.add(client);
            }
        }
        for (Thread client : clients) {
            client.join();
        }
        keeper.shutdownNow();
        for (String id : Set.copyOf(held.keySet())) {
            String user = held.remove(id);
            if (user != null) {
                record("END", user, id, "shutdown");
            }
        }
        record("STOPPING", "-", "-", "fenced=" + ledger.isFenced() + " fencings=" + ledger.fencings()
                + " renewalFailures=" + ledger.renewalFailures() + " purged=" + ledger.purgedSlots());
        ledger.close();
        background.shutdownNow();
        history.close();
        System.exit(0);
    }

    private void tick() {
        try {
            if (ledger.tick(this::heldByUser)) {
                int closed = 0;
                for (String id : Set.copyOf(held.keySet())) {
                    String user = held.remove(id);
                    if (user != null) {
                        record("END", user, id, "fenced");
                        ledger.release(user, id);
                        closed++;
                    }
                }
                record("FENCE-CLOSED", "-", "-", Integer.toString(closed));
            }
        } catch (RuntimeException e) {
            record("TICK-ERROR", "-", "-", String.valueOf(e));
        }
    }

    private Map<String, Set<String>> heldByUser() {
        Map<String, Set<String>> ids = new HashMap<>();
        held.forEach((id, user) -> ids.computeIfAbsent(user, u -> new HashSet<>()).add(id));
        return ids;
    }

    /** One client: connect, and when welcomed hold the connection 1 to 4 s, close, pause 50 to 300 ms; repeat. */
    private void clientLoop(String user, int quota, long until) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.currentTimeMillis() < until) {
            String id = node + "-" + serial.incrementAndGet();
            try {
                Optional<String> unavailable = ledger.unavailable();
                if (unavailable.isPresent()) {
                    record("REFUSE", user, id, "unavailable " + unavailable.get());
                } else {
                    SlotLedger.Claim claim = ledger.claim(user, id, quota);
                    if (claim.granted()) {
                        held.put(id, user); // after the claim, as the product's registry keeps its manager
                        record("WELCOME", user, id, "active " + claim.count());
                        sleepUntil(Math.min(until, System.currentTimeMillis() + random.nextLong(1_000, 4_000)));
                        if (held.remove(id) != null) {
                            record("END", user, id, "client");
                            ledger.release(user, id);
                        }
                    } else {
                        record("REFUSE", user, id, "quota " + claim.count());
                    }
                }
            } catch (RuntimeException e) {
                record("REFUSE", user, id, "error " + e);
            }
            sleepUntil(System.currentTimeMillis() + random.nextLong(50, 300));
        }
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
