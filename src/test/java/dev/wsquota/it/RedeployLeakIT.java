package dev.wsquota.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final int REDEPLOYS = Integer.getInteger("it.redeploys", 3);
    private static final String[] USERS = {"alice", "bob", "carol"};
    /** Held connections per user in each round (the default quota is 5). */
    private static final int PER_USER = 2;
    /** Unloading a class loader can take more than one full GC (references cleared in one, the loader in the next). */
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /** Concurrent requests in one burst (more than the server's pool threads that served the handshakes). */
    private static final int BURST = 40;

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
            // Zero when this test runs alone; whatever earlier tests' deployments still hold otherwise (the checks
            // below then allow at most that much more, so a version of theirs let go meanwhile cannot fail this one).
            ServerHeap.Counts before = settle(heap, 0, "before any deploy");
            int baseline = before.classes(FACTORY);
            long baselineRegistries = before.instances(REGISTRY);
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
            ServerHeap.Counts live;
            try {
                holdClients(clients);
                live = settle(heap, baseline + 1, "with one version deployed after " + REDEPLOYS + " redeploys");
            } finally {
                WsClient.closeAll(clients);
                deployer.undeploy(NAME);
            }
            ServerHeap.Counts after = settle(heap, baseline, "after the last undeploy");
            assertAll(
                    () -> assertBetween(1, baseline + 1, live.classes(FACTORY),
                            "ManagerFactory classes loaded with one version deployed; " + live.summary(FACTORY, REGISTRY)),
                    () -> assertBetween(1, baselineRegistries + 1, live.instances(REGISTRY),
                            "ManagerRegistry instances with one version deployed; " + live.summary(FACTORY, REGISTRY)),
                    () -> assertBetween(0, baseline, after.classes(FACTORY),
                            "ManagerFactory classes loaded after the last undeploy; " + after.summary(FACTORY, REGISTRY)),
                    () -> assertBetween(0, baselineRegistries, after.instances(REGISTRY),
                            "ManagerRegistry instances after the last undeploy; " + after.summary(FACTORY, REGISTRY)));
        }
    }

    private static void assertBetween(long min, long max, long actual, String what) {
        assertTrue(actual >= min && actual <= max, what + " ==> expected " + (min == max ? min : min + ".." + max)
                + " but was " + actual);
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
     * Counts after full GCs until at most the expected number of ManagerFactory classes is left or the time is up, and
     * returns the last count (the assertions then say what stayed). Before each count the server gets a burst of
     * plain HTTP requests: Liberty keeps each pool thread's last request, a WebSocket handshake included, in a
     * thread-local until that thread serves the next one, and that handshake still points at the web module it was
     * for (see docs/operations.md). A serving server lets go of those; an idle test server would not.
     */
    private static ServerHeap.Counts settle(ServerHeap heap, int factories, String when) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        serveRequests();
        ServerHeap.Counts counts = heap.count(PREFIX);
        while (counts.classes(FACTORY) > factories && System.nanoTime() < deadline) {
            serveRequests();
            counts = heap.count(PREFIX);
        }
        System.out.println(when + ": " + counts.summary(FACTORY, REGISTRY)
                + (counts.classes(FACTORY) <= factories ? "" : "; per class: " + counts.classes()));
        String dumpDir = System.getProperty("it.heapDumpDir", "");
        if (!dumpDir.isBlank()) {
            String file = dumpDir + "/redeploy-" + System.currentTimeMillis() + ".hprof";
            heap.dump(file);
            System.out.println("heap dump: " + file);
        }
        return counts;
    }

    /** A burst of concurrent plain GETs on fresh connections, so the server's pool threads each serve a new request. */
    private static void serveRequests() {
        URI uri = URI.create("http://127.0.0.1:" + System.getProperty("httpPort") + "/");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            sent.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }
}
