package dev.wsquota.bench.jmh;

import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One user under contention: every thread admits and releases managers of the same user, so every
 * operation takes that user's monitor. The user holds 2 managers throughout (its entry never retires).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class ContentionBenchmark {

    static final String USER = "hot";

    ManagerRegistry registry;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new ManagerRegistry(new QuotaLimits(5, QuotaLimits.MAX_QUOTA), System::currentTimeMillis);
        registry.admit(USER, new FakeConnection(true));
        registry.admit(USER, new FakeConnection(true));
    }

    /** Per thread, so the connection object is not shared. */
    @State(Scope.Thread)
    public static class Mine {
        final FakeConnection connection = new FakeConnection(true);
    }

    @Benchmark
    @Threads(1)
    public boolean oneUser1Thread(Mine mine) {
        return admitRelease(mine);
    }

    @Benchmark
    @Threads(2)
    public boolean oneUser2Threads(Mine mine) {
        return admitRelease(mine);
    }

    private boolean admitRelease(Mine mine) {
        Admission admission = registry.admit(USER, mine.connection);
        if (!admission.isAdmitted()) {
            throw new IllegalStateException("not admitted: " + admission);
        }
        return registry.release(admission.manager(), ReleaseCause.CLOSE);
    }
}
