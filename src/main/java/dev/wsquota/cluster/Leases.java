package dev.wsquota.cluster;

import com.hazelcast.map.IMap;
import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This member's leases: renewed every third of a lease, and the fence that goes up when they could not be
 * renewed for a whole lease, so a frozen or cut-off node never keeps slots the cluster gave to someone else.
 */
final class Leases {

    private static final Logger LOG = WeakLogger.of(Leases.class);
    /** A round at the very end of a lease still gets this long: a healthy cluster answers well within it. */
    static final long MIN_ROUND_WAIT_MILLIS = 200;

    private final IMap<String, Slots> slots;
    private final Supplier<String> memberId;
    private final IntSupplier members;
    private final ClusterSettings settings;
    private final ClusterEvents events;
    private final LongSupplier clock;
    private final AtomicLong renewalFailures = new AtomicLong();
    private final AtomicLong fencings = new AtomicLong();
    private final AtomicLong releaseFailures = new AtomicLong();
    private volatile long lastRenewedMillis;
    private volatile long lastRenewalAttemptMillis;
    private volatile boolean fenced;
    /**
     * When this node fenced itself. It admits again only after a renewal a whole lease later: right after a
     * freeze its member may still believe in a cluster the others have already left it out of.
     */
    private volatile long fencedAtMillis;
    private volatile String lastRenewalError = "";
    /** A failed round is retried on the next tick: a majority that just lost a member must not run out of lease. */
    private volatile boolean lastRoundFailed;
    /** Users this member renewed last round: a user that is gone since gets one more round that drops its slots. */
    private Set<String> renewedUsers = Set.of();

    /** Claims in flight or granted in the last round, by user: their slots are kept though nobody lists them yet. */
    private final Supplier<Map<String, Set<String>>> claimed;
    /** How many claims this member has asked for so far (see {@link RenewSlots}). */
    private final LongSupplier claimSequence;

    Leases(IMap<String, Slots> slots, Supplier<String> memberId, IntSupplier members, ClusterSettings settings,
           ClusterEvents events, LongSupplier clock, Supplier<Map<String, Set<String>>> claimed,
           LongSupplier claimSequence) {
        this.slots = slots;
        this.claimed = claimed;
        this.claimSequence = claimSequence;
        this.memberId = memberId;
        this.members = members;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.lastRenewedMillis = clock.getAsLong(); // joined just now: the first lease starts with the member
    }

    /** True once the last successful renewal is older than a lease. */
    boolean lapsed() {
        return clock.getAsLong() - lastRenewedMillis > settings.leaseMillis();
    }

    boolean fenced() {
        return fenced;
    }

    /** See {@link HazelcastLedger#tick}. */
    boolean tick(Supplier<Map<String, Set<String>>> liveByUser) {
        if (!fenced && lapsed()) {
            return fenceForLapse();
        }
        if (lastRoundFailed || clock.getAsLong() - lastRenewalAttemptMillis >= settings.renewalMillis()) {
            Map<String, Set<String>> listed = liveByUser.get();
            renew(listed);
            if (!lastRoundFailed) {
                releaseAgainWhatWentDuring(listed, liveByUser.get());
            }
            if (!fenced && lapsed()) {
                return fenceForLapse(); // the round failed as the lease ran out: fence now, not a tick later
            }
        }
        return false;
    }

    private boolean fenceForLapse() {
        return fence("no lease renewal for " + (clock.getAsLong() - lastRenewedMillis) + " ms (lease "
                + settings.leaseSeconds() + " s): " + (lastRenewalError.isEmpty() ? "this node was not running"
                : lastRenewalError));
    }

    /**
     * How long a round may wait for the cluster: a third of a lease, but never past the end of the current lease,
     * so that a node whose round hangs still fences when its lease runs out (the timing rule counts on that), not
     * up to a round later. A fenced node has no lease to lose and waits the whole third.
     */
    long roundWaitMillis(long started) {
        if (fenced) {
            return settings.renewalMillis();
        }
        long left = lastRenewedMillis + settings.leaseMillis() - started;
        return Math.max(MIN_ROUND_WAIT_MILLIS, Math.min(settings.renewalMillis(), left));
    }

    private boolean fence(String why) {
        fenced = true;
        fencedAtMillis = clock.getAsLong();
        fencings.incrementAndGet();
        LOG.warning(() -> "wsquota fenced this node: " + why);
        events.fenced(why);
        return true; // the caller closes its connections first; renewal resumes on the next tick
    }

    /** Re-asserts this member's slots, user by user; a round counts only if every user's renewal succeeded. */
    void renew(Map<String, Set<String>> liveByUser) {
        long started = clock.getAsLong();
        lastRenewalAttemptMillis = started;
        long claimedUpTo = claimSequence.getAsLong(); // before the claims: each claim it counts is listed below
        Map<String, Set<String>> claimedByUser = claimed.get(); // after the held list, so no claim falls between
        Set<String> users = new HashSet<>(liveByUser.keySet());
        users.addAll(renewedUsers);
        users.addAll(claimedByUser.keySet());
        try {
            String member = memberId.get();
            List<CompletableFuture<Integer>> rounds = new ArrayList<>(users.size());
            for (String user : users) {
                rounds.add(slots.submitToKey(user, new RenewSlots(member, liveByUser.getOrDefault(user, Set.of()),
                        claimedByUser.getOrDefault(user, Set.of()), settings.leaseMillis(), claimedUpTo))
                        .toCompletableFuture());
            }
            if (users.isEmpty()) {
                slots.containsKey(""); // no slots to renew: still prove that the cluster answers
            }
            CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new))
                    .get(roundWaitMillis(started), TimeUnit.MILLISECONDS);
            int now = members.getAsInt();
            if (now < settings.minMembers()) {
                throw new IllegalStateException("only " + now + " of " + settings.minMembers() + " members");
            }
            Set<String> renewed = new HashSet<>(liveByUser.keySet());
            renewed.addAll(claimedByUser.keySet());
            renewedUsers = renewed;
            lastRenewedMillis = started;
            lastRenewalError = "";
            lastRoundFailed = false;
            if (fenced && started - fencedAtMillis >= settings.leaseMillis()) {
                fenced = false;
                LOG.info("wsquota renewed its cluster leases again: this node admits again");
                events.unfenced();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            renewalFailures.incrementAndGet();
            lastRoundFailed = true;
            lastRenewalError = String.valueOf(e);
            LOG.log(Level.WARNING, "wsquota could not renew its cluster leases (" + users.size() + " users); "
                    + "it fences itself if this lasts " + settings.leaseSeconds() + " s", e);
        }
    }

    /**
     * A manager released while the round was on its way was listed in it; if its release reached the partition
     * first, the round put its slot back (held by nobody until the next round, a possible false refusal).
     * Releases those slots again; a release is idempotent.
     */
    private void releaseAgainWhatWentDuring(Map<String, Set<String>> listed, Map<String, Set<String>> now) {
        String member = memberId.get();
        List<CompletableFuture<Boolean>> releases = new ArrayList<>();
        listed.forEach((user, ids) -> {
            Set<String> held = now.getOrDefault(user, Set.of());
            for (String id : ids) {
                if (!held.contains(id)) {
                    releases.add(slots.submitToKey(user, new ReleaseSlot(member, id)).toCompletableFuture());
                }
            }
        });
        if (releases.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                    .get(settings.renewalMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            releaseFailures.incrementAndGet();
            LOG.log(Level.WARNING, "wsquota could not release again the slots of " + releases.size()
                    + " managers closed during a renewal; the next renewal drops them", e);
        }
    }

    /** Releases of slots a renewal put back (see {@link #releaseAgainWhatWentDuring}) the cluster did not confirm. */
    long releaseFailures() {
        return releaseFailures.get();
    }

    long renewalFailures() {
        return renewalFailures.get();
    }

    long fencings() {
        return fencings.get();
    }

    long millisSinceRenewal() {
        return clock.getAsLong() - lastRenewedMillis;
    }
}
