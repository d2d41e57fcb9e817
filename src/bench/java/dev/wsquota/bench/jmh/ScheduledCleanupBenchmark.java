package dev.wsquota.bench.jmh;

import dev.wsquota.quota.CleanupPass;
import dev.wsquota.quota.CleanupReport;
import dev.wsquota.quota.OperatorEvents;
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
 * which {@code stale} have a closed connection and were marked suspect, as the ping sweep marks a manager
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

    @Param({"100000", "1000000"})
    public int managers;
    /** Stale managers as a count, the same at both sizes, so the sizes compare at equal stale work. */
    @Param({"0", "100", "1000", "10000"})
    public int stale;

    StaleRegistry staleRegistry;
    CleanupPass pass;

    @Setup(Level.Trial)
    public void setUp() {
        staleRegistry = new StaleRegistry(managers, stale, true);
        pass = new CleanupPass(staleRegistry.registry, () -> 0, () -> OperatorEvents.NONE);
    }

    @Setup(Level.Invocation)
    public void restoreStale() {
        staleRegistry.restore();
    }

    @Benchmark
    public int scheduledPass() {
        CleanupReport report = pass.runScheduled();
        if (report.stale() < staleRegistry.staleCount()) {
            throw new IllegalStateException("reclaimed " + report.stale() + ", expected at least "
                    + staleRegistry.staleCount());
        }
        return report.reclaimed();
    }
}
