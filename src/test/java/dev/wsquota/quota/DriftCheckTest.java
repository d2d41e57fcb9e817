package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftCheckTest {

    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final DriftCheck check = new DriftCheck(0);

    /** A session as the container lists it. */
    private static class Listed implements OpenSession {
        final String id;
        final String managerId;
        boolean closing;
        int closedWith;

        Listed(String id, String managerId) {
            this.id = id;
            this.managerId = managerId;
        }

        @Override
        public String sessionId() {
            return id;
        }

        @Override
        public String managerId() {
            return managerId;
        }

        @Override
        public boolean closing() {
            return closing;
        }

        @Override
        public String user() {
            return "alice";
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }

    private Manager admit(String sessionId) {
        FakeConnection connection = new FakeConnection();
        connection.sessionId = sessionId;
        return registry.admit("alice", connection).manager();
    }

    @Test
    void agreeingViewsCorrectNothing() {
        Manager manager = admit("s1");
        List<OpenSession> open = List.of(new Listed("s1", manager.id()), new Listed("s2", null));
        assertTrue(check.reconcile(registry, open).corrections().isEmpty());
        assertTrue(check.reconcile(registry, open).corrections().isEmpty());
        assertEquals(1, registry.activeManagers());
    }

    @Test
    void aManagerWhoseSessionTheContainerNoLongerHasIsReleasedOnTheSecondSighting() {
        Manager phantom = admit("gone");
        Manager real = admit("s1");
        List<OpenSession> open = List.of(new Listed("s1", real.id()));

        assertTrue(check.reconcile(registry, open).corrections().isEmpty(),
                "first sighting: could be a close in flight");
        List<DriftCheck.Correction> corrections = check.reconcile(registry, open).corrections();

        assertEquals(1, corrections.size());
        assertEquals(phantom.id(), corrections.get(0).managerId());
        assertEquals(1, registry.countOf("alice"));
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.DRIFT));
    }

    @Test
    void anAdmittedOpenSessionWithoutAManagerIsClosedOnTheSecondSighting() {
        Listed lost = new Listed("s9", "m-that-was-released");
        List<OpenSession> open = new ArrayList<>(List.of(lost));

        assertTrue(check.reconcile(registry, open).corrections().isEmpty());
        List<DriftCheck.Correction> corrections = check.reconcile(registry, open).corrections();

        assertEquals(1, corrections.size());
        assertEquals(CloseCodes.POLICY_VIOLATION, lost.closedWith);
    }

    @Test
    void aSessionTheServerIsClosingIsNotDriftEvenIfItsCloseHandshakeHangs() {
        Listed closing = new Listed("s5", "m-released-before-close");
        closing.closing = true;
        check.reconcile(registry, List.of(closing));
        assertTrue(check.reconcile(registry, List.of(closing)).corrections().isEmpty());
        assertTrue(check.reconcile(registry, List.of(closing)).corrections().isEmpty());
        assertEquals(0, closing.closedWith);
    }

    @Test
    void aDifferenceThatHealsByItselfIsNeverCorrected() {
        Manager closing = admit("s1");
        check.reconcile(registry, List.of()); // seen once without its session: a close in flight
        registry.release(closing, ReleaseCause.CLOSE); // the close callback arrives
        assertTrue(check.reconcile(registry, List.of()).corrections().isEmpty());
        assertEquals(0L, registry.counters().releasesByCause().get(ReleaseCause.DRIFT));
    }

    @Test
    void aSessionThatCannotBeExaminedIsReportedAndTheCheckGoesOn() {
        Listed lost = new Listed("s9", "m-that-was-released");
        OpenSession vanishing = new Listed("s8", "m-x") {
            @Override
            public String managerId() {
                throw new NullPointerException("user properties gone: the session closed while we looked");
            }
        };
        List<OpenSession> open = List.of(vanishing, lost);
        DriftCheck.Result first = check.reconcile(registry, open);
        assertEquals(1, first.failures().size());
        DriftCheck.Result second = check.reconcile(registry, open);
        assertEquals(1, second.corrections().size(), "the healthy comparison still happened");
        assertEquals(CloseCodes.POLICY_VIOLATION, lost.closedWith);
    }

    @Test
    void aDifferenceIsCorrectedOnlyAfterTheGraceHasPassed() {
        DriftCheck patient = new DriftCheck(5_000);
        Manager phantom = admit("gone");
        assertTrue(patient.reconcile(registry, List.of()).corrections().isEmpty());
        now.addAndGet(4_999);
        assertTrue(patient.reconcile(registry, List.of()).corrections().isEmpty(), "seen twice, but not for 5 s yet");
        now.addAndGet(1);
        assertEquals(phantom.id(), patient.reconcile(registry, List.of()).corrections().get(0).managerId());
    }

    @Test
    void connectionsTheContainerDoesNotTrackAreLeftAlone() {
        registry.admit("bob", new FakeConnection());
        check.reconcile(registry, List.of());
        assertTrue(check.reconcile(registry, List.of()).corrections().isEmpty());
        assertEquals(1, registry.countOf("bob"));
    }
}
