package dev.wsquota.bench.jmh;

import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.CleanupReport;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.OperatorEvents;
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
 * The timer's cleanup pass ({@link CleanupPass#runScheduled()}) over 100,000 and 1,000,000 managers of
 * which stalePercent have a closed connection and were marked suspect, as the ping sweep marks a manager
 * whose ping cannot be sent. Before each pass the reclaimed ones are admitted (and marked) again, not
 * measured. If the cost follows the stale managers, the score barely moves between 100,000 and 1,000,000
 * at the same stale count and grows with the stale count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class ScheduledCleanupBenchmark {

    static final int PER_USER = 5;

    @Param({"100000", "1000000"})
    public int managers;
    /** Stale managers as a count, the same at both sizes, so the sizes compare at equal stale work. */
    @Param({"0", "100", "1000", "10000"})
    public int stale;

    ManagerRegistry registry;
    CleanupPass pass;
    String[] staleUsers;
    FakeConnection closed;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new ManagerRegistry(new QuotaLimits(PER_USER, QuotaLimits.MAX_QUOTA), System::currentTimeMillis);
        pass = new CleanupPass(registry, () -> 0, () -> OperatorEvents.NONE);
        closed = new FakeConnection(false);
        int users = managers / PER_USER;
        staleUsers = new String[stale];
        int every = stale == 0 ? Integer.MAX_VALUE : managers / stale;
        int made = 0;
        for (int i = 0; i < managers; i++) {
            String user = "user" + (i % users);
            boolean isStale = made < stale && i % every == 0;
            Manager manager = registry.admit(user, isStale ? closed : new FakeConnection(true)).manager();
            if (isStale) {
                staleUsers[made++] = user;
                registry.suspect(manager);
            }
        }
        check();
    }

    @Setup(Level.Invocation)
    public void restoreStale() {
        if (registry.activeManagers() == managers) {
            return;
        }
        for (String user : staleUsers) {
            registry.suspect(registry.admit(user, closed).manager());
        }
        check();
    }

    private void check() {
        if (registry.activeManagers() != managers) {
            throw new IllegalStateException("expected " + managers + " managers, have " + registry.activeManagers());
        }
    }

    @Benchmark
    public int scheduledPass() {
        CleanupReport report = pass.runScheduled();
        if (report.stale() < staleUsers.length) {
            throw new IllegalStateException("reclaimed " + report.stale() + ", expected at least " + staleUsers.length);
        }
        return report.reclaimed();
    }
}
