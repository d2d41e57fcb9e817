package dev.wsquota.bench.jmh;

import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.CleanupReport;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The operator's full cleanup pass (forceCleanup: every manager asked) over 100,000 or 1,000,000 managers
 * (5 per user) of which stalePercent have a closed
 * connection. Before each pass the stale managers it reclaimed are admitted again (not measured), so
 * every pass sees the same registry. Compare the scores across stalePercent: if the cost follows the
 * total, 0% already costs nearly as much as 10%.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class CleanupBenchmark {

    static final int PER_USER = 5;

    @Param({"100000", "1000000"})
    public int managers;
    @Param({"0", "1", "10"})
    public int stalePercent;

    ManagerRegistry registry;
    String[] staleUsers;
    FakeConnection closed;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new ManagerRegistry(new QuotaLimits(PER_USER, QuotaLimits.MAX_QUOTA), System::currentTimeMillis);
        closed = new FakeConnection(false);
        int staleCount = managers * stalePercent / 100;
        staleUsers = new String[staleCount];
        // Stale managers are spread evenly over the whole registry, not bunched at one end.
        int every = staleCount == 0 ? Integer.MAX_VALUE : managers / staleCount;
        int stale = 0;
        for (int i = 0; i < managers; i++) {
            String user = "user" + (i % (managers / PER_USER));
            boolean isStale = stale < staleCount && i % every == 0;
            registry.admit(user, isStale ? closed : new FakeConnection(true));
            if (isStale) {
                staleUsers[stale++] = user;
            }
        }
        if (registry.activeManagers() != managers) {
            throw new IllegalStateException("expected " + managers + " managers, have " + registry.activeManagers());
        }
    }

    @Setup(Level.Invocation)
    public void restoreStale() {
        if (registry.activeManagers() == managers) {
            return;
        }
        for (String user : staleUsers) {
            registry.admit(user, closed);
        }
        if (registry.activeManagers() != managers) {
            throw new IllegalStateException("expected " + managers + " managers, have " + registry.activeManagers());
        }
    }

    @Benchmark
    public int cleanupPass() {
        CleanupReport report = CleanupPass.reclaim(registry, 0);
        if (report.stale() != staleUsers.length) {
            throw new IllegalStateException("reclaimed " + report.stale() + ", expected " + staleUsers.length);
        }
        return report.reclaimed();
    }
}
