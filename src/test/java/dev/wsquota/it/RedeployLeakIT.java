package dev.wsquota.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private static final String PREFIX = "dev.wsquota.";
    private static final String FACTORY = "dev.wsquota.ejb.ManagerFactory";
    private static final String REGISTRY = "dev.wsquota.quota.ManagerRegistry";
    /** Undeploy/deploy rounds; each holds clients through its undeploy. */
    private static final int REDEPLOYS = Integer.getInteger("it.redeploys", 6);
    private static final String[] USERS = {"alice", "bob", "carol"};
    /** Held connections per user in each round (the default quota is 5). */
    private static final int PER_USER = 2;
    /** Unloading a class loader can take more than one full GC (references cleared in one, the loader in the next). */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.product(NAME);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void redeploysLeaveExactlyOneVersionLoaded() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            ServerHeap heap = new ServerHeap(jmx.connection());
            ServerHeap.Counts before = heap.count(PREFIX);
            System.out.println("before any deploy: " + before.summary(FACTORY, REGISTRY));
            int baseline = before.classes(FACTORY);
            long started = System.nanoTime();
            for (int round = 1; round <= REDEPLOYS; round++) {
                deployer.deploy(NAME);
                boolean undeployed = false;
                List<WsClient> clients = new ArrayList<>();
                try {
                    holdClients(clients);
                    deployer.undeploy(NAME);
                    undeployed = true;
                    assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients), "round " + round);
                } finally {
                    if (!undeployed) {
                        deployer.undeploy(NAME);
                    }
                    WsClient.closeAll(clients);
                }
            }
            System.out.println(REDEPLOYS + " deploy/undeploy rounds took " + (System.nanoTime() - started) / 1_000_000 + " ms");

            deployer.deploy(NAME);
            List<WsClient> clients = new ArrayList<>();
            try {
                holdClients(clients);
                ServerHeap.Counts live = settle(heap, baseline + 1, "with one version deployed after " + REDEPLOYS + " redeploys");
                assertEquals(baseline + 1, live.classes(FACTORY), "ManagerFactory classes loaded; " + live.summary(FACTORY, REGISTRY));
                assertEquals(1, live.instances(REGISTRY), "ManagerRegistry instances; " + live.summary(FACTORY, REGISTRY));
            } finally {
                WsClient.closeAll(clients);
                deployer.undeploy(NAME);
            }
            ServerHeap.Counts after = settle(heap, baseline, "after the last undeploy");
            assertEquals(baseline, after.classes(FACTORY), "ManagerFactory classes loaded; " + after.summary(FACTORY, REGISTRY));
            assertEquals(0, after.instances(REGISTRY), "ManagerRegistry instances; " + after.summary(FACTORY, REGISTRY));
        }
    }

    /** Opens the round's clients and checks each was admitted and echoes. */
    private static void holdClients(List<WsClient> clients) throws InterruptedException {
        for (String user : USERS) {
            for (int i = 0; i < PER_USER; i++) {
                WsClient client = WsClient.open(user);
                clients.add(client);
                assertEquals("welcome", client.welcomeField("type"));
                client.echo("ping " + user + " " + i);
            }
        }
    }

    /**
     * Counts after full GCs until the expected number of ManagerFactory classes is reached or the time is up, and
     * returns the last count (the assertions then say what stayed). Optionally dumps the heap for analysis.
     */
    private static ServerHeap.Counts settle(ServerHeap heap, int factories, String when) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        ServerHeap.Counts counts = heap.count(PREFIX);
        while (counts.classes(FACTORY) != factories && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            counts = heap.count(PREFIX);
        }
        System.out.println(when + ": " + counts.summary(FACTORY, REGISTRY) + "; per class: " + counts.classes());
        String dumpDir = System.getProperty("it.heapDumpDir", "");
        if (!dumpDir.isBlank()) {
            String file = dumpDir + "/redeploy-" + System.currentTimeMillis() + ".hprof";
            heap.dump(file);
            System.out.println("heap dump: " + file);
        }
        return counts;
    }
}
