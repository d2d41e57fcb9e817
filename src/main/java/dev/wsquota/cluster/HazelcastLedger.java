package dev.wsquota.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.SlotLedger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster-wide quota: one map of user -> leased slots, changed only by entry processors on the user's
 * partition. Each member renews the leases of the managers it really holds, purges a departed member's slots,
 * and fences itself (admits nobody, closes its connections) when it could not renew for a whole lease.
 */
public final class HazelcastLedger implements SlotLedger, AutoCloseable {

    static final String SLOTS_MAP = "wsquota-slots";
    static final String OVERRIDES_MAP = "wsquota-quota-overrides";
    /** How long a release waits for the cluster; a close callback must not hang on a slow partition owner. */
    static final long RELEASE_WAIT_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(HazelcastLedger.class.getName());

    private final HazelcastInstance hazelcast;
    private final IMap<String, Slots> slots;
    private final ClusterSettings settings;
    private final ClusterEvents events;
    private final Executor background;
    private final LongSupplier clock;
    private final AtomicLong renewalFailures = new AtomicLong();
    private final AtomicLong releaseFailures = new AtomicLong();
    private final AtomicLong purgedSlots = new AtomicLong();
    private final AtomicLong fencings = new AtomicLong();
    private volatile long lastRenewedMillis;
    private volatile long lastRenewalAttemptMillis;
    private volatile boolean fenced;
    /**
     * When this node fenced itself. It admits again only after a renewal a whole lease later: right after a
     * freeze its member may still believe in a cluster the others have already left it out of.
     */
    private volatile long fencedAtMillis;
    private volatile String lastRenewalError = "";
    /** Users this member renewed last round: a user that is gone since gets one more round that drops its slots. */
    private Set<String> renewedUsers = Set.of();

    HazelcastLedger(HazelcastInstance hazelcast, ClusterSettings settings, ClusterEvents events, Executor background,
                    LongSupplier clock) {
        this.hazelcast = hazelcast;
        this.slots = hazelcast.getMap(SLOTS_MAP);
        this.settings = settings;
        this.events = events;
        this.background = background;
        this.clock = clock;
        this.lastRenewedMillis = clock.getAsLong(); // joined just now: the first lease starts with the member
        hazelcast.getCluster().addMembershipListener(new Membership());
    }

    /** Starts this node's Hazelcast member (joins or forms the cluster) and returns its ledger. */
    public static HazelcastLedger start(ClusterSettings settings, ClassLoader classLoader, ClusterEvents events,
                                        Executor background) {
        return new HazelcastLedger(HazelcastMember.start(settings, classLoader), settings, events, background,
                System::currentTimeMillis);
    }

    /** The per-user quota overrides, shared by every member, so one set over JMX on any node holds on all. */
    public Map<String, Integer> sharedQuotaOverrides() {
        return hazelcast.getMap(OVERRIDES_MAP);
    }

    @Override
    public Claim claim(String user, String managerId, int limit) {
        return slots.executeOnKey(user, new ClaimSlot(memberId(), managerId, limit, settings.leaseMillis()));
    }

    /**
     * Waits briefly for the cluster, so a slot freed here is free everywhere when this returns. A fenced node
     * does not wait at all: its next renewal drops every slot it no longer holds, or their leases end them.
     */
    @Override
    public void release(String user, String managerId) {
        if (fenced || !hazelcast.getLifecycleService().isRunning()) {
            return;
        }
        try {
            slots.submitToKey(user, new ReleaseSlot(memberId(), managerId)).toCompletableFuture()
                    .get(RELEASE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            releaseFailures.incrementAndGet();
            LOG.log(Level.WARNING, "could not release the cluster slot of manager " + managerId + " of "
                    + LogSafe.user(user) + " within " + RELEASE_WAIT_MILLIS + " ms; the next renewal or its lease ("
                    + settings.leaseSeconds() + " s) ends it", e);
        }
    }

    @Override
    public Optional<String> unavailable() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return Optional.of("quota service unavailable: the cluster member is not running");
        }
        if (fenced || leaseLapsed()) {
            return Optional.of("quota service unavailable: lost contact with the cluster");
        }
        int members = hazelcast.getCluster().getMembers().size();
        if (members < settings.minMembers()) {
            return Optional.of("quota service unavailable: " + members + " of " + settings.minMembers()
                    + " cluster members");
        }
        return Optional.empty();
    }

    private boolean leaseLapsed() {
        return clock.getAsLong() - lastRenewedMillis > settings.leaseMillis();
    }

    /**
     * Called about once a second with the managers this node holds, by user. Fences first if the last renewal is
     * a lease old (a frozen or cut-off node finds out here, before it admits anyone); renews when one is due.
     * Returns true exactly when this call fenced the node: the caller then closes every local connection, which
     * release nothing in the cluster while fenced (the next renewal drops them there).
     */
    public boolean tick(Supplier<Map<String, Set<String>>> liveByUser) {
        if (!fenced && leaseLapsed()) {
            fenced = true;
            fencedAtMillis = clock.getAsLong();
            fencings.incrementAndGet();
            String why = "no lease renewal for " + (clock.getAsLong() - lastRenewedMillis) + " ms (lease "
                    + settings.leaseSeconds() + " s): " + (lastRenewalError.isEmpty() ? "this node was not running"
                    : lastRenewalError);
            LOG.warning(() -> "wsquota fenced this node: " + why);
            events.fenced(why);
            return true; // the caller closes its connections first; renewal resumes on the next tick
        }
        if (clock.getAsLong() - lastRenewalAttemptMillis >= settings.renewalMillis()) {
            renew(liveByUser.get());
        }
        return false;
    }

    /** Re-asserts this member's slots, user by user; a round counts only if every user's renewal succeeded. */
    void renew(Map<String, Set<String>> liveByUser) {
        long started = clock.getAsLong();
        lastRenewalAttemptMillis = started;
        Set<String> users = new HashSet<>(liveByUser.keySet());
        users.addAll(renewedUsers);
        try {
            String member = memberId();
            List<CompletableFuture<Integer>> rounds = new ArrayList<>(users.size());
            for (String user : users) {
                rounds.add(slots.submitToKey(user, new RenewSlots(member, liveByUser.getOrDefault(user, Set.of()),
                        settings.leaseMillis())).toCompletableFuture());
            }
            if (users.isEmpty()) {
                slots.containsKey(""); // no slots to renew: still prove that the cluster answers
            }
            CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new))
                    .get(settings.renewalMillis(), TimeUnit.MILLISECONDS);
            int members = hazelcast.getCluster().getMembers().size();
            if (members < settings.minMembers()) {
                throw new IllegalStateException("only " + members + " of " + settings.minMembers() + " members");
            }
            renewedUsers = liveByUser.keySet();
            lastRenewedMillis = started;
            lastRenewalError = "";
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
            lastRenewalError = String.valueOf(e);
            LOG.log(Level.WARNING, "wsquota could not renew its cluster leases (" + users.size() + " users); "
                    + "it fences itself if this lasts " + settings.leaseSeconds() + " s", e);
        }
    }

    /** This member's id in the slots it writes; read each time, as a member that rejoins after a split gets a new one. */
    String memberId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Live slots of one user across the cluster. */
    public int count(String user) {
        return slots.executeOnKey(user, new CountSlots()).size();
    }

    /** Live slots of every user holding one, across the cluster, sorted by user. */
    public Map<String, Integer> counts() {
        long now = clock.getAsLong();
        Map<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, Slots> entry : slots.entrySet()) {
            int live = entry.getValue().liveAt(now).size();
            if (live > 0) {
                counts.put(entry.getKey(), live);
            }
        }
        return counts;
    }

    /** Each member as {@code host:port}, this one marked; the oldest first. */
    public List<String> members() {
        List<String> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            members.add(describe(member) + (member.localMember() ? " (this node)" : ""));
        }
        return members;
    }

    public String localMember() {
        return describe(hazelcast.getCluster().getLocalMember());
    }

    public boolean isFenced() {
        return fenced;
    }

    public long renewalFailures() {
        return renewalFailures.get();
    }

    public long releaseFailures() {
        return releaseFailures.get();
    }

    public long purgedSlots() {
        return purgedSlots.get();
    }

    public long fencings() {
        return fencings.get();
    }

    /** Milliseconds since this member last renewed all its leases. */
    public long millisSinceRenewal() {
        return clock.getAsLong() - lastRenewedMillis;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Leaves the cluster; this member's slots are purged by the others at once (memberRemoved). */
    @Override
    public void close() {
        hazelcast.shutdown();
    }

    private static String describe(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /** Purges a departed member's slots on the oldest remaining member, so exactly one member does it. */
    private final class Membership implements MembershipListener {

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
            boolean oldest = event.getMembers().iterator().next().localMember();
            if (!oldest) {
                LOG.info(() -> "wsquota cluster member left: " + where + "; the oldest member purges its slots");
                events.memberLeft(where, members, -1);
                return;
            }
            background.execute(() -> {
                try {
                    int purged = slots.executeOnEntries(new PurgeMember(gone)).values().stream()
                            .mapToInt(Integer::intValue).sum();
                    purgedSlots.addAndGet(purged);
                    LOG.info(() -> "wsquota cluster member left: " + where + "; freed its " + purged + " slots");
                    events.memberLeft(where, members, purged);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not purge the slots of departed member " + where
                            + "; their leases end them within " + settings.leaseSeconds() + " s", e);
                    events.memberLeft(where, members, 0);
                }
            });
        }
    }
}
