package dev.wsquota.bench.jmh;

import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;

/**
 * Heap the plain registry keeps per live manager (Manager, its id, the index entry, the user's set):
 * heap used after GC with users x perUser managers minus before. Every manager shares one test
 * connection, so the figure leaves the connection out; the product adds its SessionConnection (24 bytes).
 * Not JMH: a footprint, measured once in the driver JVM.
 */
public final class Footprint {

    private Footprint() {
    }

    public static double registryBytesPerManager(int users, int perUser) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(perUser, QuotaLimits.MAX_QUOTA),
                System::currentTimeMillis);
        FakeConnection shared = new FakeConnection(true);
        for (int u = 0; u < users; u++) {
            String user = "u" + u; // the user name is the principal's, held by the container anyway
            for (int k = 0; k < perUser; k++) {
                registry.admit(user, shared);
            }
        }
        long after = usedAfterGc(memory);
        Reference.reachabilityFence(registry);
        return (after - before) / (double) (users * perUser);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
