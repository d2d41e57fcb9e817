package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Undeploying the application tells every connected client why it goes: 1001 "server shutting down". */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class UndeployIT {

    private static final String NAME = "undeploy";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.product(NAME);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void connectedClientsAreClosedWith1001AndTheReason() {
        deployer.deploy(NAME);
        boolean undeployed = false;
        try (WsClient alice = WsClient.open("alice"); WsClient bob = WsClient.open("bob")) {
            assertEquals("welcome", alice.welcomeField("type"));
            assertEquals("welcome", bob.welcomeField("type"));
            deployer.undeploy(NAME);
            undeployed = true;
            assertEquals(new WsClient.Close(1001, "server shutting down"), alice.awaitClose());
            assertEquals(new WsClient.Close(1001, "server shutting down"), bob.awaitClose());
        } finally {
            if (!undeployed) {
                deployer.undeploy(NAME);
            }
        }
    }
}
