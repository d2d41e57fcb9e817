package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.SecondNode;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Undeploying node 1 of a two-node cluster ends its Hazelcast member: no thread of it stays in the server. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterUndeployIT {

    private static final String NODE1 = "cluster-undeploy";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = NODE1, managed = false, testable = false)
    static WebArchive node1() throws IOException {
        return ClusterNodes.nodeOne(NODE1);
    }

    @Test
    void undeployLeavesNoHazelcastThread() throws Exception {
        SecondNode node2 = new SecondNode();
        deployer.deploy(NODE1);
        try (JmxClient jmx = JmxClient.connect()) {
            node2.start();
            ClusterNodes.awaitMembers(2);

            deployer.undeploy(NODE1);

            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx.connection(),
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            // Await.until fails the test with the names of the threads still there after the bound.
            Await.until("no Hazelcast thread on node 1", Duration.ofSeconds(15), () ->
                    Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                            .map(ThreadInfo::getThreadName).filter(name -> name.startsWith("hz.")).toList(),
                    List::isEmpty);
        } finally {
            node2.stop();
        }
    }
}
