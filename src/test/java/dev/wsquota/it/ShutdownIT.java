package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.FfdcReports;
import dev.wsquota.it.support.ShutdownCloses;
import dev.wsquota.it.support.WsClient;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploying the application with clients held tells every one of them why it goes: 1001 "server shutting down",
 * quietly: with echoes racing the shutdown closes, the server writes no FFDC incident report.
 */
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
    void everyHeldClientIsClosedWith1001AndTheReasonOnUndeploy() throws InterruptedException {
        Set<String> ffdcBefore = FfdcReports.now();
        deployer.deploy(NAME);
        boolean undeployed = false;
        List<WsClient> clients = new ArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread echoes = new Thread(() -> sendEchoes(clients, sending, sent), "shutdown-it-echoes");
        try {
            for (String user : USERS) {
                for (int i = 0; i < PER_USER; i++) {
                    WsClient client = WsClient.open(user);
                    clients.add(client);
                    assertEquals("welcome", client.welcomeField("type"));
                }
            }
            echoes.start();
            Thread.sleep(300); // echoes in flight on every connection when the undeploy starts
            long sentBeforeUndeploy = sent.get();
            deployer.undeploy(NAME);
            undeployed = true;
            assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients));
            sending.set(false);
            echoes.join(5_000);
            assertTrue(sentBeforeUndeploy >= clients.size(), "echoes were in flight: " + sentBeforeUndeploy + " sent");
            Thread.sleep(1_000); // a report is written by the thread that hit the exception; give a late one time
            List<String> added = FfdcReports.since(ffdcBefore);
            System.out.println("FFDC reports written during deploy, " + sent.get() + " echoes and undeploy with "
                    + clients.size() + " clients held: " + added.size());
            assertEquals(List.of(), added, "FFDC incident reports written during the undeploy");
        } finally {
            sending.set(false);
            if (!undeployed) {
                deployer.undeploy(NAME);
            }
            WsClient.closeAll(clients);
        }
    }

    /**
     * Every client sends a text every 40 ms (25 a second, under the per-connection message limit) until told to stop.
     */
    private static void sendEchoes(List<WsClient> clients, AtomicBoolean sending, AtomicLong sent) {
        long n = 0;
        while (sending.get()) {
            for (WsClient client : clients) {
                if (client.trySend("racing the shutdown " + n++)) {
                    sent.incrementAndGet();
                }
            }
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
