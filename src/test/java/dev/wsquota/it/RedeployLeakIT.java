package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.InboundConfig;
import dev.wsquota.it.support.InboundFrames;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.RedeployRounds;
import dev.wsquota.it.support.ServerThreads;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redeploying with clients held leaves no old version behind: after several undeploy/deploy rounds and a full GC
 * the server holds exactly one deployment's classes, and none once the last one is undeployed. Counted in the
 * server's JVM through the DiagnosticCommand MBean (class hierarchy and histogram), over JMX.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedeployLeakIT {

    private static final String NAME = "redeploy";
    private static final String FORWARD = "redeploy-forward";
    /** Undeploy/deploy rounds; each holds clients through its undeploy. */
    private static final int REDEPLOYS = Integer.getInteger("it.redeploys", 3);

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.product(NAME);
    }

    /** The forward mode's backend: the test JVM's HttpServer, answering each held client's message. */
    private static InboundForwardIT.Backend backend;

    @Deployment(name = FORWARD, managed = false, testable = false)
    static WebArchive forwardDeployment() {
        backend = InboundForwardIT.Backend.start();
        return Deployments.product(FORWARD).addAsLibrary(InboundConfig.jar("wsquota.inbound.mode=forward\n"
                + "wsquota.inbound.forward-url=http://127.0.0.1:" + backend.port() + "/hook\n"
                + "wsquota.inbound.forward-lifecycle=true\n"));
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.stop();
        }
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void redeploysLeaveExactlyOneVersionLoaded() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            RedeployRounds.check(deployer, NAME, REDEPLOYS, jmx, 0, "", (round, clients) -> { });
        }
    }

    /**
     * The same in forward mode, each held client's message answered by the backend through the application's
     * HttpClient; no HttpClient selector thread is left once the last version is undeployed.
     */
    @Test
    void forwardModeRedeploysLeaveExactlyOneVersionAndNoClientThread() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            Set<String> before = ServerThreads.httpClientSelectors(jmx.connection());
            RedeployRounds.check(deployer, FORWARD, REDEPLOYS, jmx, 0, "", (round, clients) -> {
                for (WsClient client : clients) {
                    client.send("round " + round);
                    assertEquals("backend: round " + round, InboundFrames.text(client.next(15)));
                }
            });
            assertEquals(before, ServerThreads.httpClientSelectors(jmx.connection()),
                    "HttpClient selector threads after the last undeploy");
        }
    }
}
