package dev.wsquota.bench;

import dev.wsquota.cluster.ClusterEvents;
import dev.wsquota.cluster.ClusterSettings;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * The cluster ledger without a server: two embedded Hazelcast members in this JVM on loopback. One admission
 * round trip (claim + release) against the in-JVM registry's in the same run, and the map's memory per slot.
 */
final class ClusterStep {

    static final String SECTION = "7. Cluster: the Hazelcast ledger, and two Liberty nodes vs one";

    /** Nothing renews the bench's slots, so the lease outlasts the step: every claimed slot stays live. */
    private static final int LEASE_SECONDS = 3_600;

    private ClusterStep() {
    }

    static void run(Results results) throws Exception {
        int rounds = Props.integer("bench.cluster.rounds", 20_000);
        int users = Props.integer("bench.cluster.users", 1_000);
        int slots = Props.integer("bench.cluster.slots", 20_000);
        List<String> members = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
        HazelcastLedger one = start(members, 0);
        HazelcastLedger two = start(members, 1);
        try {
            long clusterNanos = roundTrips(one, rounds, users);
            long localNanos = localRoundTrips(rounds, users);
            results.item(SECTION, "admission round trip (claim + release), cluster, 2 members",
                    Results.fmt(clusterNanos / 1000.0 / rounds, 1) + " us");
            results.item(SECTION, "admission round trip (admit + release), in-JVM registry, same run",
                    Results.fmt(localNanos / 1000.0 / rounds, 2) + " us");
            results.item(SECTION, "ratio cluster / in-JVM", Results.fmt((double) clusterNanos / localNanos, 0));
            long before = usedHeapAfterGc();
            for (int i = 0; i < slots; i++) {
                one.claim("u" + (i % (slots / 5)), "m" + i, 5);
            }
            long after = usedHeapAfterGc();
            results.item(SECTION, "map memory per slot (primary + backup copy, both members in this JVM)",
                    Results.fmt((after - before) / (double) slots, 0) + " B over " + slots + " slots of "
                            + slots / 5 + " users");
            results.item(SECTION, "live slots seen by the other member", two.counts().values().stream()
                    .mapToInt(Integer::intValue).sum());
        } finally {
            one.close();
            two.close();
        }
    }

    private static HazelcastLedger start(List<String> members, int index) {
        String me = members.get(index);
        ClusterSettings settings = new ClusterSettings(true, "bench-" + ProcessHandle.current().pid(),
                Integer.parseInt(me.substring(me.indexOf(':') + 1)), members, LEASE_SECONDS, 1);
        return HazelcastLedger.start(settings, ClusterStep.class.getClassLoader(), ClusterEvents.NONE,
                ForkJoinPool.commonPool());
    }

    private static long roundTrips(HazelcastLedger ledger, int rounds, int users) {
        for (int i = 0; i < rounds / 10; i++) { // warm-up
            ledger.claim("w" + (i % users), "w" + i, 5);
            ledger.release("w" + (i % users), "w" + i);
        }
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            String user = "r" + (i % users);
            if (!ledger.claim(user, "r" + i, 5).granted()) {
                throw new IllegalStateException("claim refused for " + user);
            }
            ledger.release(user, "r" + i);
        }
        return System.nanoTime() - started;
    }

    private static long localRoundTrips(int rounds, int users) {
        ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 1_000_000), System::currentTimeMillis);
        FakeConnection connection = new FakeConnection();
        for (int i = 0; i < rounds / 10; i++) {
            registry.release(registry.admit("w" + (i % users), connection).manager(), ReleaseCause.CLOSE);
        }
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            registry.release(registry.admit("r" + (i % users), connection).manager(), ReleaseCause.CLOSE);
        }
        return System.nanoTime() - started;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
