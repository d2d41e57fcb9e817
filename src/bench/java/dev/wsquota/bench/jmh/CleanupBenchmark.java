package dev.wsquota.bench.jmh;

import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.CleanupReport;
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

    @Param({"100000", "1000000"})
    public int managers;
    @Param({"0", "1", "10"})
    public int stalePercent;

    StaleRegistry staleRegistry;

    @Setup(Level.Trial)
    public void setUp() {
        staleRegistry = new StaleRegistry(managers, managers * stalePercent / 100, false);
    }

    @Setup(Level.Invocation)
    public void restoreStale() {
        staleRegistry.restore();
    }

    @Benchmark
    public int cleanupPass() {
        CleanupReport report = CleanupPass.reclaim(staleRegistry.registry, 0);
        if (report.stale() != staleRegistry.staleCount()) {
            throw new IllegalStateException("reclaimed " + report.stale() + ", expected " + staleRegistry.staleCount());
        }
        return report.reclaimed();
    }
}
