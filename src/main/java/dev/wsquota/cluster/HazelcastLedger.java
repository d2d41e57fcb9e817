package dev.wsquota.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.SlotLedger;
import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
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
 * Every call into Hazelcast goes through {@link ForeignThreadCalls}: the callers' threads are the container's.
 */
public final class HazelcastLedger implements SlotLedger, AutoCloseable {

    static final String SLOTS_MAP = "wsquota-slots";
    static final String OVERRIDES_MAP = "wsquota-quota-overrides";
    /** How long a release waits for the cluster; a close callback must not hang on a slow partition owner. */
    static final long RELEASE_WAIT_MILLIS = 1_000;

    private static final Logger LOG = WeakLogger.of(HazelcastLedger.class);

    private final HazelcastInstance hazelcast;
    final IMap<String, Slots> slots; // package-private: the cluster tests read a user's slots through ReadSlots
    private final ClusterSettings settings;
    final Leases leases; // package-private: the cluster tests renew at a moment they choose
    private final MembershipWatcher departed;
    private final RemoteNodes managers;
    private final Map<String, Integer> sharedQuotaOverrides;
    private final AtomicLong releaseFailures = new AtomicLong();
    private final LongSupplier clock;
    /**
     * Claims in flight or granted within the last renewal round, with when they were asked: the caller keeps its
     * manager only after the claim returns, so a renewal that listed the held managers just before would
     * otherwise drop the slot of a live connection and let another node give it away.
     */
    private final RecentClaims recentClaims = new RecentClaims();
    /** How many claims this member has asked for: renewals spare the slots of claims they did not count. */
    private final AtomicLong claimSeq = new AtomicLong();

    HazelcastLedger(HazelcastInstance hazelcast, ClusterSettings settings, ClusterEvents events, Executor background,
                    LongSupplier clock) {
        this.hazelcast = hazelcast;
        this.slots = hazelcast.getMap(SLOTS_MAP);
        this.settings = settings;
        this.clock = clock;
        this.leases = new Leases(slots, this::memberId, () -> hazelcast.getCluster().getMembers().size(), settings,
                events, clock, this::recentClaims, claimSeq::get);
        this.departed = new MembershipWatcher(slots, hazelcast.getCluster(), events, background,
                settings.leaseSeconds(), settings.purgeGraceMillis());
        hazelcast.getCluster().addMembershipListener(departed);
        this.managers = new RemoteNodes(hazelcast, slots);
        this.sharedQuotaOverrides = new SharedOverrides(hazelcast.getMap(OVERRIDES_MAP));
    }

    /** The users' managers wherever they are in the cluster: the operator's and admission's cross-node steps. */
    public RemoteNodes managers() {
        return managers;
    }

    /** Starts this node's Hazelcast member (joins or forms the cluster) and returns its ledger. */
    public static HazelcastLedger start(ClusterSettings settings, ClassLoader classLoader, ClusterEvents events,
                                        Executor background) {
        return ForeignThreadCalls.call(() -> new HazelcastLedger(HazelcastMember.start(settings, classLoader), settings,
                events, background, System::currentTimeMillis));
    }

    /** The per-user quota overrides, shared by every member, so one set over JMX on any node holds on all. */
    public Map<String, Integer> sharedQuotaOverrides() {
        return sharedQuotaOverrides;
    }

    @Override
    public Claim claim(String user, String managerId, int limit) {
        recentClaims.note(user, managerId, clock.getAsLong()); // before the claim runs: a renewal may run in between
        long seq = claimSeq.incrementAndGet(); // after the note: a renewal that counted this claim also listed it
        Claim claim = null;
        try {
            claim = ForeignThreadCalls.call(() -> slots.executeOnKey(user,
                    new ClaimSlot(memberId(), managerId, limit, settings.leaseMillis(), seq)));
            return claim;
        } finally {
            if (claim == null || !claim.granted()) {
                recentClaims.forget(user, managerId);
            }
        }
    }

    /**
     * Waits briefly for the cluster, so a slot freed here is free everywhere when this returns. A fenced node
     * does not wait at all: its next renewal drops every slot it no longer holds, or their leases end them.
     */
    @Override
    public void release(String user, String managerId) {
        recentClaims.forget(user, managerId);
        ForeignThreadCalls.run(() -> releaseHere(user, managerId));
    }

    private void releaseHere(String user, String managerId) {
        if (leases.fenced() || !hazelcast.getLifecycleService().isRunning()) {
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
        return ForeignThreadCalls.call(this::unavailableHere);
    }

    private Optional<String> unavailableHere() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return Optional.of("quota service unavailable: the cluster member is not running");
        }
        if (leases.fenced() || leases.lapsed()) {
            return Optional.of("quota service unavailable: lost contact with the cluster");
        }
        int members = hazelcast.getCluster().getMembers().size();
        if (members < settings.minMembers()) {
            return Optional.of("quota service unavailable: " + members + " of " + settings.minMembers()
                    + " cluster members");
        }
        return Optional.empty();
    }

    /**
     * Called about once a second with the managers this node holds, by user. Fences first if the last renewal is
     * a lease old (a frozen or cut-off node finds out here, before it admits anyone); renews when one is due.
     * Returns true exactly when this call fenced the node: the caller then closes every local connection, which
     * release nothing in the cluster while fenced (the next renewal drops them there).
     */
    public boolean tick(Supplier<Map<String, Set<String>>> liveByUser) {
        return ForeignThreadCalls.call(() -> leases.tick(liveByUser));
    }

    /** The claims in flight or granted in the last renewal round, by user; older ones are forgotten here. */
    Map<String, Set<String>> recentClaims() {
        return recentClaims.since(clock.getAsLong() - 2 * settings.renewalMillis()); // a claim may wait a round
    }

    /**
     * Runs {@code restore} two renewal rounds after this member merged back into the cluster (a split healed), when
     * every member has re-asserted the slots it holds, so the cluster-wide count shows what each side admitted.
     */
    public void afterMerge(Runnable restore, Executor background) {
        ForeignThreadCalls.run(() -> hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("wsquota merged back into the cluster after a split; it enforces the quotas across the "
                        + "cluster in " + 2 * settings.renewalMillis() + " ms");
                CompletableFuture.delayedExecutor(2 * settings.renewalMillis(), TimeUnit.MILLISECONDS, background)
                        .execute(restore);
            }
        }));
    }

    /**
     * This member's id in the slots it writes; read each time, as a member that rejoins after a split gets a new one.
     */
    String memberId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Live slots of every user holding one, across the cluster, sorted by user. */
    public Map<String, Integer> counts() {
        return ForeignThreadCalls.call(this::countsHere);
    }

    private Map<String, Integer> countsHere() {
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
        return ForeignThreadCalls.call(() -> {
            List<String> members = new ArrayList<>();
            for (Member member : hazelcast.getCluster().getMembers()) {
                members.add(MembershipWatcher.describe(member) + (member.localMember() ? " (this node)" : ""));
            }
            return members;
        });
    }

    public String localMember() {
        return ForeignThreadCalls.call(() -> MembershipWatcher.describe(hazelcast.getCluster().getLocalMember()));
    }

    public boolean isFenced() {
        return leases.fenced();
    }

    public long renewalFailures() {
        return leases.renewalFailures();
    }

    public long releaseFailures() {
        return releaseFailures.get() + leases.releaseFailures();
    }

    public long purgedSlots() {
        return departed.purgedSlots();
    }

    public long fencings() {
        return leases.fencings();
    }

    /** Milliseconds since this member last renewed all its leases. */
    public long millisSinceRenewal() {
        return leases.millisSinceRenewal();
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Leaves the cluster; this member's slots are purged by the others at once (memberRemoved). */
    @Override
    public void close() {
        ForeignThreadCalls.run(hazelcast::shutdown);
    }
}
