package dev.wsquota.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import dev.wsquota.util.WeakLogger;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Holds a departed member's slots for a grace after it left, then frees them, instead of letting their leases
 * decide; the oldest remaining member does it, so exactly one member scans the map. Also tells the operator
 * who joined and who left.
 */
final class MembershipWatcher implements MembershipListener {

    private static final Logger LOG = WeakLogger.of(MembershipWatcher.class);

    private final IMap<String, Slots> slots;
    private final Cluster cluster;
    private final ClusterEvents events;
    private final Executor background;
    private final int leaseSeconds;
    private final long graceMillis;
    private final AtomicLong purgedSlots = new AtomicLong();
    /** Purges not run because the member was back, or this one no longer the oldest, when the grace ended. */
    final AtomicLong skippedPurges = new AtomicLong();

    /**
     * @param background  runs the purge, off Hazelcast's event thread
     * @param graceMillis how long after the departure the purge runs: a member cut off from the others fences
     *                    (closes its connections) when its lease runs out, within it, so its slots are never given
     *                    away while it serves them (see {@link ClusterSettings#purgeGraceMillis})
     */
    MembershipWatcher(IMap<String, Slots> slots, Cluster cluster, ClusterEvents events, Executor background,
                    int leaseSeconds, long graceMillis) {
        this.slots = slots;
        this.cluster = cluster;
        this.events = events;
        this.background = background;
        this.leaseSeconds = leaseSeconds;
        this.graceMillis = graceMillis;
    }

    static String describe(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    long purgedSlots() {
        return purgedSlots.get();
    }

    /**
     * Why the purge of {@code gone} must not run now, or empty: a member that only looked gone (this member was
     * the one cut off, then merged back) keeps its id and its live slots, and after a merge another member may be
     * the oldest.
     */
    private Optional<String> purgeNotDue(String gone) {
        Set<Member> now = cluster.getMembers();
        if (now.stream().anyMatch(member -> member.getUuid().toString().equals(gone))) {
            return Optional.of("it is a member again");
        }
        if (!now.iterator().next().localMember()) {
            return Optional.of("this member is no longer the oldest");
        }
        return Optional.empty();
    }

    /** Keeps the departed member's slots until the purge, so no lease ends one while that member may serve it. */
    private void hold(String gone, String where, long until) {
        try {
            ForeignThreadCalls.run(() -> slots.executeOnEntries(new HoldMember(gone, until)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not hold the slots of departed member " + where + " until its purge; "
                    + "a slot whose lease ends first is free before the purge", e);
        }
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
        long until = System.currentTimeMillis() + graceMillis;
        background.execute(() -> hold(gone, where, until));
        CompletableFuture.delayedExecutor(graceMillis, TimeUnit.MILLISECONDS, background).execute(() -> {
            try {
                Optional<String> notDue = ForeignThreadCalls.call(() -> purgeNotDue(gone));
                if (notDue.isPresent()) {
                    skippedPurges.incrementAndGet();
                    LOG.info(() -> "wsquota cluster member " + where + " left " + graceMillis + " ms ago; its slots "
                            + "are not purged: " + notDue.get());
                    events.memberLeft(where, members, -1);
                    return;
                }
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
