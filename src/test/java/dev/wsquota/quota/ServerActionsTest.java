package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerActionsTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final ServerActions actions = new ServerActions(registry);

    @Test
    void shutdownReleasesEveryoneAndClosesEachWith1001AndTheReason() {
        FakeConnection alice = new FakeConnection();
        FakeConnection bob = new FakeConnection();
        registry.admit("alice", alice);
        registry.admit("bob", bob);

        ServerActions.Shutdown done = actions.closeAllForShutdown(1_000);

        assertEquals(new ServerActions.Shutdown(2, 0), done);
        assertEquals("wsquota stopped: released 2 managers, closing each connection with 1001 server shutting down",
                done.summary(1_000));
        assertEquals(0, registry.activeManagers());
        for (FakeConnection each : new FakeConnection[] {alice, bob}) {
            assertEquals(CloseCodes.GOING_AWAY, each.closeCode);
            assertEquals(ServerActions.SHUTTING_DOWN, each.closeReason);
        }
        assertEquals(2L, registry.counters().releasesByCause().get(ReleaseCause.SHUTDOWN));
    }

    @Test
    void shutdownCountsAConnectionWhoseCloseFailedAsStillOpenAfterTheWait() {
        FakeConnection stuck = new FakeConnection();
        stuck.failOnClose = true;
        registry.admit("alice", stuck);
        registry.admit("alice", new FakeConnection());

        ServerActions.Shutdown done = actions.closeAllForShutdown(50);

        assertEquals(new ServerActions.Shutdown(2, 1), done, "both slots back, one connection still open");
        assertEquals("wsquota stopped: released 2 managers, closing each connection with 1001 server shutting down; "
                + "1 peers had not answered the close after 50 ms (the container ends those)", done.summary(50));
        assertEquals(0, registry.activeManagers());
        assertEquals(1, registry.counters().closeFailures());
    }
}
