package dev.wsquota.it.support;

import org.jboss.arquillian.container.test.api.Deployer;

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
 * The redeploy-leak procedure the leak tests share: undeploy/deploy rounds with clients held through each undeploy,
 * then a count in the server's JVM (over JMX) with one version deployed and after the last undeploy. What a test
 * does while the clients are held (e.g. read MBeans) is its own.
 */
public final class RedeployRounds {

    static final String PREFIX = "dev.wsquota.";
    static final String FACTORY = "dev.wsquota.ejb.ManagerFactory";
    static final String REGISTRY = "dev.wsquota.quota.ManagerRegistry";
    public static final String[] USERS = {"alice", "bob", "carol"};
    /** Held connections per user in each round (the default quota is 5). */
    public static final int PER_USER = 2;
    /** Unloading a class loader can take more than one full GC (references cleared in one, the loader in the next). */
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /** Concurrent requests in one burst (more than the server's pool threads that served the handshakes). */
    private static final int BURST = 40;

    /** What a test does in each round while the round's clients are held, before the undeploy. */
    public interface WhileHeld {
        void accept(int round, List<WsClient> clients) throws Exception;
    }

    private RedeployRounds() {
    }

    /**
     * Runs {@code redeploys} rounds of deploy, hold clients, {@code whileHeld}, undeploy (every client must see 1001),
     * then deploys once more and checks that exactly one version is loaded (plus at most {@code knownExtra} older
     * ones while a version runs, for a reason the caller names and docs/operations.md explains), and none after the
     * last undeploy.
     */
    public static void check(Deployer deployer, String name, int redeploys, JmxClient jmx, int knownExtra, String why,
                             WhileHeld whileHeld) throws Exception {
        ServerHeap heap = new ServerHeap(jmx.connection());
        // Zero when the test runs alone; whatever earlier tests' deployments still hold otherwise (the checks below
        // then allow at most that much more, so a version of theirs let go meanwhile cannot fail this one).
        ServerHeap.Counts before = settle(heap, 0, "before any deploy");
        int baseline = before.classes(FACTORY);
        long baselineRegistries = before.instances(REGISTRY);
        long started = System.nanoTime();
        for (int round = 1; round <= redeploys; round++) {
            deployer.deploy(name);
            boolean undeployed = false;
            List<WsClient> clients = new ArrayList<>();
            try {
                holdClients(clients);
                whileHeld.accept(round, clients);
                deployer.undeploy(name);
                undeployed = true;
                assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients), "round " + round);
            } finally {
                if (!undeployed) {
                    deployer.undeploy(name);
                }
                WsClient.closeAll(clients);
            }
        }
        System.out.println(redeploys + " deploy/undeploy rounds of " + name + " took "
                + (System.nanoTime() - started) / 1_000_000 + " ms");

        deployer.deploy(name);
        List<WsClient> clients = new ArrayList<>();
        ServerHeap.Counts live;
        try {
            holdClients(clients);
            whileHeld.accept(redeploys + 1, clients);
            live = settle(heap, baseline + 1 + knownExtra, "with one version deployed after " + redeploys
                    + " redeploys");
        } finally {
            WsClient.closeAll(clients);
            deployer.undeploy(name);
        }
        ServerHeap.Counts after = settle(heap, baseline, "after the last undeploy");
        String known = knownExtra == 0 ? "" : " (at most " + knownExtra + " older kept: " + why + ")";
        assertAll(
                () -> assertBetween(1, baseline + 1 + knownExtra, live.classes(FACTORY),
                        "ManagerFactory classes loaded with one version deployed" + known + "; "
                                + live.summary(FACTORY, REGISTRY)),
                () -> assertBetween(1, baselineRegistries + 1 + knownExtra, live.instances(REGISTRY),
                        "ManagerRegistry instances with one version deployed" + known + "; "
                                + live.summary(FACTORY, REGISTRY)),
                () -> assertBetween(0, baseline, after.classes(FACTORY),
                        "ManagerFactory classes loaded after the last undeploy; " + after.summary(FACTORY, REGISTRY)),
                () -> assertBetween(0, baselineRegistries, after.instances(REGISTRY),
                        "ManagerRegistry instances after the last undeploy; " + after.summary(FACTORY, REGISTRY)));
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
