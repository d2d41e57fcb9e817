package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerClosesTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final ServerCloses closes = registry.closes();

    @Test
    void shutdownReleasesEveryoneAndClosesEachWith1001AndTheReason() {
        FakeConnection alice = new FakeConnection();
        FakeConnection bob = new FakeConnection();
        registry.admit("alice", alice);
        registry.admit("bob", bob);

        ServerCloses.Shutdown done = closes.closeAllForShutdown(1_000);

        assertEquals(new ServerCloses.Shutdown(2, 0), done);
        assertEquals("wsquota stopped: released 2 managers, closing each connection with 1001 server shutting down",
                done.summary(1_000));
        assertEquals(0, registry.activeManagers());
        for (FakeConnection each : new FakeConnection[] {alice, bob}) {
            assertEquals(CloseCodes.GOING_AWAY, each.closeCode);
            assertEquals(ServerCloses.SHUTTING_DOWN, each.closeReason);
        }
        assertEquals(2L, registry.counters().releasesByCause().get(ReleaseCause.SHUTDOWN));
    }

    @Test
    void shutdownCountsAConnectionWhoseCloseFailedAsStillOpenAfterTheWait() {
        FakeConnection stuck = new FakeConnection();
        stuck.failOnClose = true;
        registry.admit("alice", stuck);
        registry.admit("alice", new FakeConnection());

        ServerCloses.Shutdown done = closes.closeAllForShutdown(50);

        assertEquals(new ServerCloses.Shutdown(2, 1), done, "both slots back, one connection still open");
        assertEquals("wsquota stopped: released 2 managers, closing each connection with 1001 server shutting down; "
                + "1 peers had not answered the close after 50 ms (the container ends those)", done.summary(50));
        assertEquals(0, registry.activeManagers());
        assertEquals(1, registry.counters().closeFailures());
    }

    @Test
    void releaseAndCloseRecordsItsOwnCauseEvenIfTheCloseCallbackFollows() throws Exception {
        FakeConnection connection = new FakeConnection();
        Manager manager = registry.admit("alice", connection).manager();
        assertTrue(closes.releaseAndClose(manager, ReleaseCause.ADMIN, 1008, "closed by an operator"));
        assertFalse(registry.release(manager, ReleaseCause.CLOSE), "the @OnClose that follows is a no-op");
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.ADMIN));
        assertEquals(0L, registry.counters().releasesByCause().get(ReleaseCause.CLOSE));
        assertEquals(1008, connection.closeCode);
        assertEquals("closed by an operator", connection.closeReason);
    }

    @Test
    void aManagerAlreadyReleasedIsNotClosedAgain() throws Exception {
        FakeConnection connection = new FakeConnection();
        Manager manager = registry.admit("alice", connection).manager();
        registry.release(manager, ReleaseCause.CLOSE);
        assertFalse(closes.releaseAndClose(manager, ReleaseCause.ADMIN, 1008, "closed by an operator"));
        assertFalse(closes.releaseAndCloseQuietly(manager, ReleaseCause.ADMIN, 1008, "closed by an operator"));
        assertEquals(0, connection.closeCode, "no close frame for a manager that was already gone");
        assertEquals(0L, registry.counters().releasesByCause().get(ReleaseCause.ADMIN));
    }

    @Test
    void aFailedCloseFrameStillGivesTheSlotBack() {
        FakeConnection failing = new FakeConnection();
        failing.failOnClose = true;
        Manager loud = registry.admit("alice", failing).manager();
        assertThrows(java.io.IOException.class, () -> closes.releaseAndClose(loud, ReleaseCause.ADMIN, 1008, "x"));
        assertFalse(registry.isLive(loud), "released before the close was tried");

        Manager quiet = registry.admit("alice", failing).manager();
        assertTrue(closes.releaseAndCloseQuietly(quiet, ReleaseCause.ADMIN, 1008, "x"));
        assertFalse(registry.isLive(quiet));
        assertEquals(1, registry.counters().closeFailures(), "only the quiet close counts its failure");
        assertEquals(0, registry.activeManagers());
    }

    @Test
    void closeIfIdleClosesOnlyAfterTheTimeoutAndNeverWithZero() throws Exception {
        FakeConnection connection = new FakeConnection();
        Manager manager = registry.admit("alice", connection).manager();
        assertFalse(closes.closeIfIdle(manager, now.get() + 60_000, 0), "0 = never");
        assertFalse(closes.closeIfIdle(manager, now.get() + 30_000, 30_000), "exactly the timeout is not more than it");
        assertTrue(registry.isLive(manager));
        assertTrue(closes.closeIfIdle(manager, now.get() + 30_001, 30_000));
        assertEquals(CloseCodes.GOING_AWAY, connection.closeCode);
        assertEquals("idle for more than 30 s", connection.closeReason);
        assertEquals(1L, registry.counters().releasesByCause().get(ReleaseCause.IDLE));
    }
}
