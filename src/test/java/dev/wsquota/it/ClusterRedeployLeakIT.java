package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.RedeployRounds;
import dev.wsquota.jmx.ClusterMXBean;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The redeploy-leak check in cluster mode (a one-member Hazelcast cluster): between redeploys an operator reads the
 * cluster MXBean and the cluster-wide views of the ManagerFactory MXBean over JMX, so Hazelcast runs on the server's
 * JMX connection threads, which outlive every deployment; no version stays loaded after the last undeploy, and
 * while one runs at most one older version stays (the one Hazelcast's loggers keep).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterRedeployLeakIT {

    private static final String NAME = "redeploy-cluster";
    /** Undeploy/deploy rounds; each starts and stops a Hazelcast member (seconds each on a busy machine). */
    private static final int REDEPLOYS = Integer.getInteger("it.cluster.redeploys", 3);
    /**
     * Older versions a running one may keep: Hazelcast's own JDK logging holds the server's loggers, which are
     * JVM-wide, and Liberty's logger keeps the class of the version that first asked for it; so the version that
     * first started a member can stay loaded while a later one runs (never more than that one; docs/operations.md).
     */
    private static final int KEPT_BY_HAZELCAST_LOGGERS = 1;

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() throws IOException {
        return ClusterNodes.alone(NAME);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void redeploysInClusterModeLeaveNoVersionBehind() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            ClusterMXBean cluster = ClusterNodes.mxBean(jmx);
            ManagerFactoryMXBean factory = jmx.factory();
            Map<String, Integer> held = new TreeMap<>();
            for (String user : RedeployRounds.USERS) {
                held.put(user, RedeployRounds.PER_USER);
            }
            // Each read runs Hazelcast on a JMX connection thread of the server (a map scan, a task on every member).
            RedeployRounds.WhileHeld operatorReads = (round, clients) -> {
                assertEquals(true, cluster.isEnabled(), "round " + round);
                assertEquals(held, new TreeMap<>(cluster.getUserManagerCounts()), "round " + round);
                assertEquals(RedeployRounds.PER_USER * RedeployRounds.USERS.length, cluster.getActiveManagers());
                assertEquals(RedeployRounds.PER_USER, factory.listManagers("alice").size(), "round " + round);
                assertEquals(Map.of(), factory.getUserQuotaOverrides(), "round " + round);
            };
            RedeployRounds.check(deployer, NAME, REDEPLOYS, jmx, KEPT_BY_HAZELCAST_LOGGERS,
                    "Hazelcast's JDK loggers keep the version that created them", operatorReads);
        }
    }
}
