package dev.wsquota.ops;

import dev.wsquota.ejb.ClusterNode;
import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.GuardStatistics;
import dev.wsquota.inbound.InboundLanes;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.ReleaseCause;
import dev.wsquota.util.WeakLogger;
import dev.wsquota.web.GuardRuntime;
import dev.wsquota.web.InboundRuntime;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes the factory's counts as application metrics (Prometheus text at /metrics): gauges that
 * read the factory at scrape time, so there is one source of truth. MicroProfile Metrics 5 has no
 * function counter, so the since-start totals are gauges too; they only grow, so use rate() on them.
 * No metric carries a user id: tags are only the fixed reason/cause/kind names.
 */
@ApplicationScoped
public class QuotaMetrics {

    /** The reasons a connection is refused at a quota. */
    static final List<Admission.Outcome> REJECTION_REASONS = List.of(Admission.Outcome.USER_QUOTA,
            Admission.Outcome.TOTAL_QUOTA, Admission.Outcome.UNAVAILABLE, Admission.Outcome.DRAINING);

    private static final Logger LOG = WeakLogger.of(QuotaMetrics.class);

    @Inject
    private MetricRegistry registry;

    @EJB
    private ManagerFactory factory;

    @EJB
    private ClusterNode node;

    /** Registers the gauges when the application starts. */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        gauge("wsquota.managers.active", "Managers (WebSocket connections holding a slot) open now.",
                MetricUnits.NONE, () -> factory.readings().activeManagers());
        gauge("wsquota.users.active", "Users with at least one manager now.",
                MetricUnits.NONE, () -> factory.readings().activeUsers());
        gauge("wsquota.admissions", "Managers admitted since start.",
                MetricUnits.NONE, () -> factory.readings().counters().admissions());
        for (Admission.Outcome reason : REJECTION_REASONS) {
            gauge("wsquota.rejections", "Connections refused by a quota since start, by reason.", MetricUnits.NONE,
                    () -> factory.readings().counters().rejections(reason), tag("reason", reason.name()));
        }
        for (ReleaseCause cause : ReleaseCause.values()) {
            gauge("wsquota.releases", "Slots given back since start, by cause.", MetricUnits.NONE,
                    () -> factory.readings().counters().releasesByCause().getOrDefault(cause, 0L),
                            tag("cause", cause.name()));
        }
        for (GuardStatistics.Refused kind : GuardStatistics.Refused.values()) {
            gauge("wsquota.guard.refusals", "Handshakes or connections refused by a guard since start, by kind.",
                    MetricUnits.NONE, () -> GuardRuntime.current().statistics().get(kind), tag("kind", kind.name()));
        }
        gauge("wsquota.draining", "1 while this node drains before a stop (new connections refused), else 0.",
                MetricUnits.NONE, () -> factory.isDraining() ? 1 : 0);
        gauge("wsquota.inbound.messages", "Client messages handed to the application (CDI or forward) since start.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().messages());
        gauge("wsquota.inbound.busy", "Client messages refused since start: their manager had too many in flight.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().busy());
        gauge("wsquota.inbound.handler.errors", "Inbound events whose CDI observer threw, since start.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().handlerErrors());
        gauge("wsquota.inbound.forward.timeouts", "Forward calls without an answer in time, since start.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().forwardTimeouts());
        gauge("wsquota.inbound.forward.failures", "Forward calls refused, failed or answered non-2xx, since start.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().forwardFailures());
        gauge("wsquota.inbound.forward.late", "Forward 2xx answers after their timeout (dropped), since start.",
                MetricUnits.NONE, () -> InboundRuntime.current().statistics().forwardLate());
        gauge("wsquota.inbound.inflight", "Client messages waiting for or in their handler now.",
                MetricUnits.NONE, () -> InboundRuntime.current().lanes().map(InboundLanes::inFlight).orElse(0));
        gauge("wsquota.cleanup.runs", "Cleanup passes since start.",
                MetricUnits.NONE, () -> factory.cleanupStatus().statistics().runs());
        gauge("wsquota.cleanup.duration", "Duration of the last cleanup pass.",
                MetricUnits.SECONDS, () -> factory.cleanupStatus().statistics().lastDurationMillis() / 1000.0);
        gauge("wsquota.cleanup.failures", "Managers a cleanup pass failed to clean, plus aborted passes, since start.",
                MetricUnits.NONE, () -> factory.cleanupStatus().statistics().totalFailures());
        gauge("wsquota.drift.corrections", "Registry/container disagreements the drift check fixed since start.",
                MetricUnits.NONE, () -> factory.cleanupStatus().driftCorrections());
        gauge("wsquota.messages.delivered", "Messages a manager's outbound queue took since start (one per manager).",
                MetricUnits.NONE, () -> factory.messages().outboxes().counters().delivered());
        gauge("wsquota.messages.refused", "Messages refused since start because the manager's outbound queue was full.",
                MetricUnits.NONE, () -> factory.messages().outboxes().counters().refused());
        gauge("wsquota.messages.written", "Messages the container took and wrote to the peer since start.",
                MetricUnits.NONE, () -> factory.messages().outboxes().counters().written());
        gauge("wsquota.messages.slow.consumer.closes", "Managers closed with 4003 since start, by the limit passed.",
                MetricUnits.NONE, () -> factory.messages().outboxes().counters().slowConsumerQueueFull(),
                tag("limit", "queue_full"));
        gauge("wsquota.messages.slow.consumer.closes", "Managers closed with 4003 since start, by the limit passed.",
                MetricUnits.NONE, () -> factory.messages().outboxes().counters().slowConsumerSendTimeout(),
                tag("limit", "send_timeout"));
        gauge("wsquota.messages.queued", "Bytes waiting in the outbound queues of all live managers now.",
                MetricUnits.BYTES, () -> factory.messages().outboxes().queuedBytes());
        gauge("wsquota.messages.queued.largest", "The most bytes waiting in one live manager's outbound queue now.",
                MetricUnits.BYTES, () -> factory.messages().outboxes().largestQueueBytes());
        node.cluster().ifPresent(cluster -> {
            gauge("wsquota.cluster.members", "Members of the wsquota cluster now.",
                    MetricUnits.NONE, () -> cluster.members().size());
            gauge("wsquota.cluster.fenced", "1 while this node is fenced (admits nobody), else 0.",
                    MetricUnits.NONE, () -> cluster.isFenced() ? 1 : 0);
            gauge("wsquota.cluster.renewal.failures", "Lease renewal rounds that failed since start.",
                    MetricUnits.NONE, cluster::renewalFailures);
            gauge("wsquota.cluster.purged.slots", "Slots of departed members this node freed since start.",
                    MetricUnits.NONE, cluster::purgedSlots);
        });
        LOG.info("wsquota metrics registered in the application registry");
    }

    private void gauge(String name, String description, String unit, Supplier<Number> read, Tag... tags) {
        Metadata metadata = Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
        registry.gauge(metadata, () -> read(name, read), tags);
    }

    /** One gauge read; a failure is logged and shows as NaN ("unknown" to Prometheus) instead of failing the scrape. */
    private static Double read(String name, Supplier<Number> read) {
        try {
            return read.get().doubleValue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metric " + name + " could not be read; reporting NaN", e);
            return Double.NaN;
        }
    }

    private static Tag tag(String name, String value) {
        return new Tag(name, value.toLowerCase(Locale.ROOT));
    }
}
