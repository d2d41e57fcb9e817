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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admit + release of one manager in the plain registry (no container, no I/O): the cost wsquota adds
 * to every connection's life. Users are spread over 10,000 names; {@code preHeld} managers per user
 * are held throughout, so preHeld=0 also pays for creating and retiring the user's entry each time.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class AdmissionBenchmark {

    /** The registry and the user names, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Registry {
        @Param("10000")
        public int users;
        @Param({"0", "2"})
        public int preHeld;

        ManagerRegistry registry;
        String[] names;
        final AtomicInteger threadOffsets = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            registry = new ManagerRegistry(new QuotaLimits(5, QuotaLimits.MAX_QUOTA), System::currentTimeMillis);
            names = new String[users];
            for (int i = 0; i < users; i++) {
                names[i] = "user" + i;
                for (int h = 0; h < preHeld; h++) {
                    registry.admit(names[i], new FakeConnection(true));
                }
            }
        }
    }

    /** Each thread walks the users from its own offset, so two threads rarely share a user. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        final FakeConnection connection = new FakeConnection(true);

        @Setup(Level.Trial)
        public void setUp(Registry state) {
            next = state.threadOffsets.getAndIncrement() * (state.users / 2 + 7);
        }
    }

    @Benchmark
    @Threads(1)
    public boolean admitRelease1Thread(Registry state, Cursor cursor) {
        return admitRelease(state, cursor);
    }

    @Benchmark
    @Threads(2)
    public boolean admitRelease2Threads(Registry state, Cursor cursor) {
        return admitRelease(state, cursor);
    }

    private static boolean admitRelease(Registry state, Cursor cursor) {
        String user = state.names[Math.floorMod(cursor.next++, state.names.length)];
        Admission admission = state.registry.admit(user, cursor.connection);
        if (!admission.isAdmitted()) {
            throw new IllegalStateException("not admitted: " + admission);
        }
        return state.registry.release(admission.manager(), ReleaseCause.CLOSE);
    }
}
