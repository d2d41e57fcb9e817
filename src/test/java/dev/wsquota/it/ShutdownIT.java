package dev.wsquota.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Undeploying the application with clients held tells every one of them why it goes: 1001 "server shutting down". */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ShutdownIT {

    private static final String NAME = "shutdown";
    /** Connections held per user (the default quota is 5). */
    private static final int PER_USER = 3;
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.product(NAME);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void everyHeldClientIsClosedWith1001AndTheReasonOnUndeploy() {
        deployer.deploy(NAME);
        boolean undeployed = false;
        List<WsClient> clients = new ArrayList<>();
        try {
            for (String user : USERS) {
                for (int i = 0; i < PER_USER; i++) {
                    WsClient client = WsClient.open(user);
                    clients.add(client);
                    assertEquals("welcome", client.welcomeField("type"));
                }
            }
            deployer.undeploy(NAME);
            undeployed = true;
            assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients));
        } finally {
            if (!undeployed) {
                deployer.undeploy(NAME);
            }
            WsClient.closeAll(clients);
        }
    }
}
