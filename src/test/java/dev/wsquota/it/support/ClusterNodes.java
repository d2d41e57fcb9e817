package dev.wsquota.it.support;

import dev.wsquota.jmx.ClusterMXBean;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.IOException;
import java.time.Duration;

/**
 * The cluster the cluster ITs share: node 1 is the IT server with a cluster-mode archive, node 2 the
 * {@link SecondNode}; both list each other as members, on the ports and with the lease the build sets.
 */
public final class ClusterNodes {

    public static final int LEASE_SECONDS = Integer.getInteger("clusterLeaseSeconds");
    private static final String NAME = System.getProperty("clusterName");
    private static final String PORT1 = System.getProperty("clusterPort1");
    private static final String PORT2 = System.getProperty("clusterPort2");

    private ClusterNodes() {
    }

    /** The product as node 1 of the two-node cluster, plus {@code properties} (one {@code key=value} a line). */
    public static WebArchive nodeOne(String name, String properties) throws IOException {
        return Deployments.product(name, config(NAME, "127.0.0.1:" + PORT1 + ",127.0.0.1:" + PORT2) + properties);
    }

    /** The product as node 1 of the two-node cluster. */
    public static WebArchive nodeOne(String name) throws IOException {
        return nodeOne(name, "");
    }

    /** The product as the only member of a cluster of its own (named apart, so node 2 never joins it). */
    public static WebArchive alone(String name) throws IOException {
        return Deployments.product(name, config(NAME + "-" + name, "127.0.0.1:" + PORT1));
    }

    private static String config(String clusterName, String members) {
        return "wsquota.cluster=hazelcast\n"
                + "wsquota.cluster.name=" + clusterName + "\n"
                + "wsquota.cluster.port=" + PORT1 + "\n"
                + "wsquota.cluster.members=" + members + "\n"
                + "wsquota.cluster.lease-seconds=" + LEASE_SECONDS + "\n";
    }

    /** Node 1's cluster MXBean, over this JMX connection. */
    public static ClusterMXBean mxBean(JmxClient jmx) throws IOException {
        try {
            return JMX.newMXBeanProxy(jmx.connection(), new ObjectName("dev.wsquota:type=Cluster"),
                    ClusterMXBean.class);
        } catch (MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until node 1 counts {@code members} members (a joining node takes seconds on a busy machine). */
    public static void awaitMembers(int members) throws IOException {
        try (JmxClient jmx = JmxClient.connect()) {
            Await.until(members + " members", Duration.ofSeconds(60), mxBean(jmx)::getMemberCount,
                    n -> n == members);
        }
    }

    /** Waits until no manager is left anywhere in the cluster (closes release their slots asynchronously). */
    public static void awaitNoManagers() throws IOException {
        try (JmxClient jmx = JmxClient.connect()) {
            Await.until("no manager left in the cluster", Duration.ofSeconds(30), mxBean(jmx)::getActiveManagers,
                    n -> n == 0);
        }
    }
}
