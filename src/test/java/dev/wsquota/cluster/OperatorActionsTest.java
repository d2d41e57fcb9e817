package dev.wsquota.cluster;

import dev.wsquota.quota.CloseCodes;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.quota.ServerCloses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a single node (no cluster) every operator action stays on this node's registry. */
class OperatorActionsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 100), now::get);
    private final ServerCloses actions = registry.closes();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final OperatorActions wide = new OperatorActions(registry, actions,
            new ProbingAdmission(registry, scheduler, OnLimitPolicy.REJECT, 0, 200), null, null);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Manager admit(String user, FakeConnection connection) {
        Manager manager = registry.admit(user, connection).manager();
        now.incrementAndGet();
        return manager;
    }

    @Test
    void listCloseAndDisconnectActOnThisNode() {
        FakeConnection first = new FakeConnection();
        Manager oldest = admit("alice", first);
        Manager newer = admit("alice", new FakeConnection());
        admit("bob", new FakeConnection());

        assertEquals(List.of(oldest.id(), newer.id()), wide.list("alice").stream().map(ManagerView::managerId)
                .toList());
        assertEquals(oldest.id(), wide.close(oldest.id()).orElseThrow().managerId());
        assertEquals(CloseCodes.POLICY_VIOLATION, first.closeCode);
        assertTrue(wide.close(oldest.id()).isEmpty(), "already closed");
        assertTrue(wide.close("not-an-id").isEmpty());
        assertEquals(1, wide.disconnect("alice"));
        assertEquals(Map.of("bob", 1), registry.userCounts());
    }

    @Test
    void aBadUserIdIsRefusedWithItsReason() {
        assertThrows(IllegalArgumentException.class, () -> wide.list(""));
        assertThrows(IllegalArgumentException.class, () -> wide.disconnect(null));
    }

    @Test
    void theLeaseKeeperSeesWhatThisNodeHoldsAndAFenceClosesAllOfItWith1001() {
        Manager a1 = admit("alice", new FakeConnection());
        Manager a2 = admit("alice", new FakeConnection());
        FakeConnection bobs = new FakeConnection();
        Manager b1 = admit("bob", bobs);
        assertEquals(Map.of("alice", Set.of(a1.id(), a2.id()), "bob", Set.of(b1.id())), wide.heldIdsByUser());

        assertEquals(3, wide.fence());
        assertEquals(0, registry.activeManagers());
        assertEquals(CloseCodes.GOING_AWAY, bobs.closeCode);
        assertEquals(OperatorActions.FENCED_REASON, bobs.closeReason);
        assertEquals(3L, registry.counters().releasesByCause().get(ReleaseCause.FENCED));
        assertEquals(Map.of(), wide.heldIdsByUser());
        wide.stopServing(); // nothing to stop on a single node
    }
}
