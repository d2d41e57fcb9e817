package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduledCleanupTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100_000), now::get);
    private final CleanupPass pass = new CleanupPass(registry, () -> 0, () -> OperatorEvents.NONE);

    private List<FakeConnection> admit(int users, int perUser) {
        List<FakeConnection> connections = new ArrayList<>();
        for (int i = 0; i < users * perUser; i++) {
            FakeConnection connection = new FakeConnection();
            registry.admit("user" + (i % users), connection);
            connections.add(connection);
        }
        return connections;
    }

    @Test
    void aSuspectIsReclaimedAtTheNextPassWhereverItIs() {
        admit(4_000, 5);
        Manager leaked = registry.managersOf("user3999").get(4);
        ((FakeConnection) leaked.connection()).open = false;
        registry.suspect(leaked);

        CleanupReport report = pass.runScheduled();

        assertEquals(1, report.stale());
        assertFalse(registry.isLive(leaked));
    }

    @Test
    void aPassLooksAtTheSuspectsAndOneSampleNotAtEveryone() {
        List<FakeConnection> connections = admit(4_000, 5);
        connections.forEach(c -> c.open = false); // every one leaked, none suspected

        CleanupReport report = pass.runScheduled();

        assertEquals(CleanupPass.SAMPLE_PER_PASS, report.stale());
        assertEquals(20_000 - CleanupPass.SAMPLE_PER_PASS, registry.activeManagers());
    }

    @Test
    void theSampleMovesOnSoEveryManagerIsLookedAtWithinTotalOverSamplePasses() {
        List<FakeConnection> connections = admit(2_000, 5);
        connections.get(7_777).open = false; // somewhere in the middle, never suspected

        int passes = 0;
        while (registry.activeManagers() == 10_000 && passes < 10_000 / CleanupPass.SAMPLE_PER_PASS + 1) {
            pass.runScheduled();
            passes++;
        }

        assertEquals(9_999, registry.activeManagers());
        assertTrue(passes <= 10_000 / CleanupPass.SAMPLE_PER_PASS, "took " + passes + " passes");
    }

    @Test
    void aStaleFindMakesTheUsersOtherManagersSuspects() {
        admit(3_000, 5);
        List<Manager> alices = registry.managersOf("user0");
        alices.forEach(m -> ((FakeConnection) m.connection()).open = false);
        registry.suspect(alices.get(0));

        pass.runScheduled(); // finds the suspect (and, in its sample of the first serials, nothing else of user0's)
        assertTrue(registry.countOf("user0") > 0);
        pass.runScheduled();

        assertEquals(0, registry.countOf("user0"));
    }

    @Test
    void aReleasedSuspectLeavesTheSuspectsWithIt() {
        Manager manager = registry.admit("alice", new FakeConnection()).manager();
        registry.suspect(manager);
        registry.release(manager, ReleaseCause.CLOSE);

        assertTrue(registry.takeSuspects().isEmpty());
    }

    @Test
    void idsAreTextOutsideAndFoundAgainByTheirText() {
        Manager manager = registry.admit("alice", new FakeConnection()).manager();

        assertTrue(registry.find(manager.id()).isPresent());
        assertEquals(manager, registry.find(manager.id()).get());
        assertFalse(registry.find(manager.id() + "x").isPresent());
        assertFalse(registry.find("nope-1").isPresent());
        assertFalse(registry.find(manager.id().substring(0, manager.id().indexOf('-') + 1)).isPresent());
        assertFalse(registry.find("").isPresent());
    }
}
