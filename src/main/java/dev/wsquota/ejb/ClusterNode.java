package dev.wsquota.ejb;

import dev.wsquota.cluster.ClusterEvents;
import dev.wsquota.cluster.ClusterSettings;
import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.quota.SlotLedger;
import dev.wsquota.quota.WeakLogger;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's membership in the wsquota cluster ({@code wsquota.cluster=hazelcast}): starts the embedded
 * Hazelcast member before the factory admits anyone, keeps this node's leases, and leaves on undeploy.
 * With {@code wsquota.cluster=none} (the default) it starts nothing and the factory counts in this JVM alone.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // fields are volatile or set once in @PostConstruct
public class ClusterNode {

    /** How often the lease keeper looks: fencing is noticed within this of a lapse, e.g. right after a freeze. */
    static final long TICK_MILLIS = 1_000;

    private static final Logger LOG = WeakLogger.of(ClusterNode.class);

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private ClusterSettings settings;
    private volatile HazelcastLedger ledger;
    private volatile ClusterEvents events = ClusterEvents.NONE;
    private ScheduledFuture<?> keeper;

    @PostConstruct
    void start() {
        settings = ClusterSettings.load(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        if (!settings.enabled()) {
            return;
        }
        long started = System.nanoTime();
        ledger = HazelcastLedger.start(settings, ClusterNode.class.getClassLoader(), new Forwarding(), scheduler);
        LOG.info(() -> "wsquota joined cluster '" + settings.name() + "' as " + ledger.localMember() + " in "
                + (System.nanoTime() - started) / 1_000_000 + " ms; members: " + ledger.members() + "; lease "
                + settings.leaseSeconds() + " s, min members " + settings.minMembers());
    }

    /**
     * Starts keeping this node's leases: {@code liveByUser} lists the managers this node holds; {@code fence}
     * closes all of them when the node lost contact with the cluster for a lease.
     */
    public void keepLeases(Supplier<Map<String, Set<String>>> liveByUser, Runnable fence) {
        HazelcastLedger cluster = ledger;
        if (cluster == null || keeper != null) {
            return;
        }
        keeper = scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (cluster.tick(liveByUser)) {
                    fence.run();
                }
            } catch (RuntimeException e) {
                // Logged, never thrown: an exception would end scheduleWithFixedDelay, and with it the leases.
                LOG.log(Level.SEVERE, "wsquota lease keeper failed; it tries again in " + TICK_MILLIS + " ms", e);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * After a healed split, brings every user back to the quota across the cluster: {@code enforceQuotas} closes
     * the newest excess wherever it is and returns how many it closed.
     */
    public void restoreQuotasAfterMerge(IntSupplier enforceQuotas) {
        HazelcastLedger cluster = ledger;
        if (cluster == null) {
            return;
        }
        cluster.afterMerge(() -> {
            try {
                int closed = enforceQuotas.getAsInt();
                LOG.info(() -> "wsquota closed " + closed + " managers above quota after the split healed");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "wsquota could not enforce the quotas after the split healed; users above "
                        + "their quota are refused until under it, and enforceQuotas() closes the excess", e);
            }
        }, scheduler);
    }

    @PreDestroy
    void stop() {
        if (keeper != null) {
            keeper.cancel(false);
        }
        HazelcastLedger cluster = ledger;
        if (cluster != null) {
            ledger = null;
            long started = System.nanoTime();
            try {
                cluster.close();
                LOG.info(() -> "wsquota left the cluster in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "wsquota could not leave the cluster cleanly; the others purge its slots", e);
            }
        }
    }

    /** The cluster ledger the registry claims slots from; empty on a single node. */
    public Optional<SlotLedger> ledger() {
        return Optional.ofNullable(ledger);
    }

    /** The cluster, for the operator's views; empty on a single node. */
    public Optional<HazelcastLedger> cluster() {
        return Optional.ofNullable(ledger);
    }

    /** The per-user quota overrides shared by all members, or empty on a single node. */
    public Optional<Map<String, Integer>> sharedQuotaOverrides() {
        return Optional.ofNullable(ledger).map(HazelcastLedger::sharedQuotaOverrides);
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Where membership and fencing events go; the operator surface sets it once it is registered. */
    public void setEvents(ClusterEvents events) {
        this.events = events == null ? ClusterEvents.NONE : events;
    }

    /** Hands events to whoever listens now, so events from Hazelcast's threads never hit a stale listener. */
    private final class Forwarding implements ClusterEvents {
        @Override
        public void memberJoined(String member, int members) {
            events.memberJoined(member, members);
        }

        @Override
        public void memberLeft(String member, int members, int purgedSlots) {
            events.memberLeft(member, members, purgedSlots);
        }

        @Override
        public void fenced(String why) {
            events.fenced(why);
        }

        @Override
        public void unfenced() {
            events.unfenced();
        }
    }
}
