package dev.wsquota.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import dev.wsquota.util.WeakLogger;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Frees a departed member's slots at once instead of a lease later; the oldest remaining member does it, so
 * exactly one member scans the map. Also tells the operator who joined and who left.
 */
final class MembershipWatcher implements MembershipListener {

    private static final Logger LOG = WeakLogger.of(MembershipWatcher.class);

    private final IMap<String, Slots> slots;
    private final ClusterEvents events;
    private final Executor background;
    private final int leaseSeconds;
    private final AtomicLong purgedSlots = new AtomicLong();

    /** @param background runs the purge, off Hazelcast's event thread */
    MembershipWatcher(IMap<String, Slots> slots, ClusterEvents events, Executor background, int leaseSeconds) {
        this.slots = slots;
        this.events = events;
        this.background = background;
        this.leaseSeconds = leaseSeconds;
    }

    static String describe(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    long purgedSlots() {
        return purgedSlots.get();
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        LOG.info(() -> "wsquota cluster member joined: " + describe(event.getMember()) + "; members: "
                + event.getMembers().size());
        events.memberJoined(describe(event.getMember()), event.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String gone = event.getMember().getUuid().toString();
        String where = describe(event.getMember());
        int members = event.getMembers().size();
        if (!event.getMembers().iterator().next().localMember()) {
            LOG.info(() -> "wsquota cluster member left: " + where + "; the oldest member purges its slots");
            events.memberLeft(where, members, -1);
            return;
        }
        background.execute(() -> {
            try {
                int purged = ForeignThreadCalls.call(() -> slots.executeOnEntries(new PurgeMember(gone)).values()
                        .stream().mapToInt(Integer::intValue).sum());
                purgedSlots.addAndGet(purged);
                LOG.info(() -> "wsquota cluster member left: " + where + "; freed its " + purged + " slots");
                events.memberLeft(where, members, purged);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not purge the slots of departed member " + where
                        + "; their leases end them within " + leaseSeconds + " s", e);
                events.memberLeft(where, members, 0);
            }
        });
    }
}
