package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class LimitHitReporterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(1, 100), now::get);
    private final LimitHitReporter limitHits = new LimitHitReporter(now::get,
            () -> new RecordingEvents(reported));

    @Test
    void anAdmissionIsPassedOnUnchangedAndReportsNothing() {
        FakeConnection connection = new FakeConnection();
        Admission admitted = registry.admit("alice", connection);
        assertSame(admitted, limitHits.report(admitted));
        assertEquals(List.of(), reported);
    }

    @Test
    void refusalsReachTheOperatorOncePerUserPerSecondWithTheCountLeftOut() {
        registry.admit("alice", new FakeConnection());
        for (int i = 0; i < 3; i++) {
            limitHits.report(registry.admit("alice", new FakeConnection()));
        }
        assertEquals(List.of("limitHit alice 1/1 suppressed 0: quota exceeded: 1/1 managers for alice"), reported);
        now.addAndGet(LimitHitReporter.LIMIT_HIT_WINDOW_MILLIS);
        limitHits.report(registry.admit("alice", new FakeConnection()));
        assertEquals("limitHit alice 1/1 suppressed 2: quota exceeded: 1/1 managers for alice", reported.get(1));
    }

    @Test
    void aClusterThatCannotDecideIsNotALimitHit() {
        limitHits.report(Admission.unavailable("carol", "quota service unavailable: 1 of 2 cluster members"));
        assertEquals(List.of(), reported);
    }
}
