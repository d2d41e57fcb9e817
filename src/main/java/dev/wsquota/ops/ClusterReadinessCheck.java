package dev.wsquota.ops;

import dev.wsquota.cluster.HazelcastLedger;
import dev.wsquota.ejb.ClusterNode;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

/**
 * Readiness of the cluster-wide quota (/health/ready, check {@code wsquota-cluster}): DOWN while this node
 * admits nobody because of the cluster (fenced, or fewer members than {@code wsquota.cluster.min-members}),
 * so a load balancer sends new connections elsewhere. Always UP on a single node.
 */
@Readiness
@ApplicationScoped
public class ClusterReadinessCheck implements HealthCheck {

    static final String CHECK_NAME = "wsquota-cluster";

    @EJB
    private ClusterNode node;

    @Override
    public HealthCheckResponse call() {
        Optional<HazelcastLedger> cluster = node.cluster();
        if (cluster.isEmpty()) {
            return HealthCheckResponse.named(CHECK_NAME).up().withData("mode", "none").build();
        }
        HazelcastLedger ledger = cluster.get();
        Optional<String> unavailable = ledger.unavailable();
        if (unavailable.isPresent() && unavailable.get().contains("not running")) {
            return HealthCheckResponse.named(CHECK_NAME).down().withData("mode", "hazelcast")
                    .withData("reason", unavailable.get()).build(); // no member to ask for the rest
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named(CHECK_NAME).status(unavailable.isEmpty())
                .withData("mode", "hazelcast")
                .withData("localMember", ledger.localMember())
                .withData("members", String.join(", ", ledger.members()))
                .withData("minMembers", ledger.settings().minMembers())
                .withData("leaseSeconds", ledger.settings().leaseSeconds())
                .withData("millisSinceRenewal", ledger.millisSinceRenewal())
                .withData("fenced", ledger.isFenced())
                .withData("renewalFailures", ledger.renewalFailures());
        unavailable.ifPresent(reason -> response.withData("reason", reason));
        return response.build();
    }
}
