package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.RedeployRounds;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redeploying with clients held leaves no old version behind: after several undeploy/deploy rounds and a full GC
 * the server holds exactly one deployment's classes, and none once the last one is undeployed. Counted in the
 * server's JVM through the DiagnosticCommand MBean (class hierarchy and histogram), over JMX.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedeployLeakIT {

    private static final String NAME = "redeploy";
    /** Undeploy/deploy rounds; each holds clients through its undeploy. */
    private static final int REDEPLOYS = Integer.getInteger("it.redeploys", 3);

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.product(NAME);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void redeploysLeaveExactlyOneVersionLoaded() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            RedeployRounds.check(deployer, NAME, REDEPLOYS, jmx, 0, "", (round, clients) -> { });
        }
    }
}
