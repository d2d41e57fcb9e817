package dev.wsquota.bench.jmh;

import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.PingSweep;
import dev.wsquota.quota.Manager;
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

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ping sweep over 100,000 managers (20,000 users x 5) with a no-op ping: the cost of the one
 * timer that replaces a thread per connection. dueForPing = 0: every peer spoke recently, the sweep
 * only looks; 100: every peer has been silent a ping interval, the sweep pings them all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Thread)
public class PingSweepBenchmark {

    static final long PING_INTERVAL_MILLIS = 20_000;

    @Param({"100000"})
    public int managers;
    @Param({"0", "100"})
    public int dueForPing;

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    ManagerRegistry registry;
    PingSweep pingSweep;
    List<Manager> all;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new ManagerRegistry(new QuotaLimits(5, QuotaLimits.MAX_QUOTA), now::get);
        for (int i = 0; i < managers; i++) {
            registry.admit("user" + (i % 20_000), new FakeConnection(true));
        }
        all = registry.allManagers();
        pingSweep = new PingSweep(registry, PING_INTERVAL_MILLIS, 10_000, 0);
    }

    /** Every manager spoke just now, or a full ping interval ago, with no ping outstanding. */
    @Setup(Level.Invocation)
    public void silence() {
        long lastHeard = dueForPing == 100 ? now.get() - PING_INTERVAL_MILLIS : now.get();
        for (Manager manager : all) {
            manager.touch(lastHeard);
        }
    }

    @Benchmark
    public int sweep() {
        PingSweep.SweepReport report = pingSweep.sweep();
        int expected = dueForPing == 100 ? managers : 0;
        if (report.pinged() != expected || report.failures() != 0) {
            throw new IllegalStateException("pinged " + report.pinged() + ", expected " + expected);
        }
        return report.pinged();
    }
}
