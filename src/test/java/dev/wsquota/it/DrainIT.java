package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.ClusterNodes;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.OpsHttp;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.ServerLog;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ManagerFactoryMXBean;
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
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Draining a node before a planned stop, on the real server: refused drain calls change nothing; 200 connections
 * of four users closed with 1001 over 5 s as the clients see it, readiness DOWN and new handshakes refused
 * meanwhile; then, with two cluster nodes, a drained user at its quota reconnects to the other node and is admitted
 * at once. Each test runs on its own deployment, undeployed at its end, so the drain (a node-wide state) never
 * reaches another test.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DrainIT {

    private static final String SINGLE = "drain-single";
    private static final String CLUSTER = "drain-cluster";
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};
    private static final int CONNECTIONS = 200;
    private static final int DRAIN_SECONDS = 5;
    private static final long WINDOW_MILLIS = 500;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @ArquillianResource
    private Deployer deployer;

    /** The product on one node, with a per-user quota that holds 50 connections each (200 over four users). */
    @Deployment(name = SINGLE, managed = false, testable = false)
    static WebArchive single() throws IOException {
        return Deployments.product(SINGLE, "wsquota.max-managers-per-user=60\n");
    }

    /** The product in cluster mode with the default quota (5 per user across both nodes), as ClusterIT's node 1. */
    @Deployment(name = CLUSTER, managed = false, testable = false)
    static WebArchive cluster() throws IOException {
        return ClusterNodes.nodeOne(CLUSTER);
    }

    @Test
    void drainCallsWithoutTheRightsOrWithBadInputAreRefusedAndChangeNothing() throws Exception {
        deployer.deploy(SINGLE);
        List<WsClient> clients = new ArrayList<>();
        try (JmxClient jmx = JmxClient.connect()) {
            for (String user : USERS) {
                clients.add(WsClient.open(user));
            }
            assertTrue(clients.stream().allMatch(WsClient::admitted), "every connection welcomed");

            assertEquals(401, postDrain(null, "?seconds=5").statusCode(), "no credentials");
            assertEquals(403, postDrain("alice", "?seconds=5").statusCode(), "a user without the wsquota-admin role");
            HttpResponse<String> bad = postDrain("ops", "?seconds=0");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("seconds must be between 1 and 3600 seconds, was 0"), bad.body());
            assertEquals(400, postDrain("ops", "?seconds=soon").statusCode());
            HttpResponse<String> foreign = postDrain("ops", "?seconds=5", "http://evil.example");
            assertEquals(403, foreign.statusCode(), "a foreign page posting with the operator's credentials: "
                    + foreign.body());

            assertFalse(jmx.factory().isDraining(), "refused calls change nothing");
            assertEquals(200, OpsHttp.get("/health/ready").statusCode(), "still ready");
            assertTrue(clients.stream().noneMatch(WsClient::isClosed), "no connection closed");
        } finally {
            endDrainQuietly();
            WsClient.closeAll(clients);
            deployer.undeploy(SINGLE);
        }
    }

    @Test
    void twoHundredConnectionsDrainedOverFiveSecondsAllGet1001SpreadOverTheWindow() throws Exception {
        deployer.deploy(SINGLE);
        List<WsClient> clients = new ArrayList<>();
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            clients.addAll(openAll(CONNECTIONS));
            assertEquals(CONNECTIONS, clients.stream().filter(WsClient::admitted).count(), "every connection welcomed");
            assertEquals(200, OpsHttp.get("/health/ready").statusCode(), "ready before the drain");
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx.connection(),
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            int threadsBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();

            HttpResponse<String> started = postDrain("ops", "?seconds=" + DRAIN_SECONDS);

            assertEquals(202, started.statusCode(), started.body());
            assertTrue(started.body().contains("\"planned\":" + CONNECTIONS), started.body());
            long drainStart = factory.getDrainDeadline().getTime() - DRAIN_SECONDS * 1000L;
            HttpResponse<String> ready = OpsHttp.get("/health/ready");
            assertEquals(503, ready.statusCode(), "readiness DOWN while draining: " + ready.body());
            assertTrue(ready.body().contains("{\"name\":\"wsquota-drain\",\"status\":\"DOWN\""), ready.body());
            assertEquals(503, WsClient.refusedStatus("alice"), "the gate refuses a new handshake before the upgrade");
            assertTrue(factory.isDraining());

            for (WsClient client : clients) {
                assertEquals(new WsClient.Close(1001, "server shutting down"), client.awaitClose());
            }
            long lastClose = clients.stream().mapToLong(WsClient::closedAtMillis).max().orElseThrow();
            int[] perWindow = perWindow(clients, drainStart);
            System.out.println("DrainIT: " + CONNECTIONS + " connections drained over " + DRAIN_SECONDS + " s; 1001"
                    + " closes seen by the clients per 500 ms from the drain's start: " + Arrays.toString(perWindow)
                    + "; the last 1001 arrived " + (lastClose - drainStart) + " ms after the start; server threads "
                    + threadsBefore + " before, at most " + threads.getPeakThreadCount() + " during the drain");
            // The closes go through the close lane (4 at a time, up to 64 while stalled): a thread per close would
            // add 200.
            assertTrue(threads.getPeakThreadCount() <= threadsBefore + 100, "threads before " + threadsBefore
                    + ", peak during the drain " + threads.getPeakThreadCount());
            // The server plans exactly 20 per 500 ms (DrainScheduleTest). What the clients see adds each close's path
            // (a few at a time on the executor) and the stalls of 2 shared cores: a stall of up to one window while the
            // plan runs on moves at most one window's share into the next, and each edge one more.
            int fair = (int) (CONNECTIONS * WINDOW_MILLIS / (DRAIN_SECONDS * 1000L));
            for (int window = 0; window < perWindow.length; window++) {
                assertTrue(perWindow[window] <= 2 * fair + 2, "window " + window + " closed " + perWindow[window]
                        + " of " + CONNECTIONS + ", more than twice its fair share " + fair + " plus 2: "
                        + Arrays.toString(perWindow));
            }

            Await.until("the drain finished", Duration.ofSeconds(20), () -> OpsHttp.get("/health/ready").body(),
                    body -> body.contains("drained: the server is about to stop"));
            assertEquals(0, factory.getDrainManagersLeft());
            assertEquals(0, factory.getActiveManagers());
            assertEquals((long) CONNECTIONS, factory.getReleasesByCause().get("DRAINED"));
            assertTrue(OpsHttp.metric("wsquota_guard_refusals", "kind", "stopping") >= 1, "the gate's 503 is counted");
            assertEquals(CONNECTIONS, OpsHttp.metric("wsquota_releases", "cause", "drained"), 0.0);
            assertEquals(1.0, OpsHttp.metric("wsquota_draining"), 0.0);
            String audited = "wsquota admin: draining: " + CONNECTIONS + " managers closed with 1001 over "
                    + DRAIN_SECONDS + " s";
            String audit = ServerLog.read().lines().filter(line -> line.contains(audited))
                    .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no line " + audited));
            assertTrue(audit.endsWith("(by ops)"), "audited as a JMX call is, with its caller: " + audit);
            assertEquals(503, WsClient.refusedStatus("bob"),
                    "a drained node keeps refusing until it stops or the drain is ended");

            String ended = factory.endDrain();

            assertTrue(ended.startsWith("drain ended"), ended);
            assertEquals(200, OpsHttp.get("/health/ready").statusCode(), "ready again");
            WsClient again = WsClient.open("carol");
            clients.add(again);
            assertTrue(again.admitted(), "admitted again after the drain ended");
        } finally {
            endDrainQuietly();
            WsClient.closeAll(clients);
            deployer.undeploy(SINGLE);
        }
    }

    @Test
    void inAClusterADrainedUserAtItsQuotaReconnectsToTheOtherNodeAtOnce() throws Exception {
        deployer.deploy(CLUSTER);
        SecondNode node2 = new SecondNode();
        List<WsClient> clients = WsClient.newList();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            node2.start();
            ClusterNodes.awaitMembers(2);
            List<WsClient> onNode1 = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                WsClient client = WsClient.open("dave");
                assertTrue(client.admitted());
                onNode1.add(client);
            }
            clients.addAll(onNode1);
            WsClient full = WsClient.open(node2.endpoint(), "dave");
            clients.add(full);
            assertEquals(1013, full.answer().close().code(), "dave holds his quota of 5 across the cluster");

            Future<HttpResponse<String>> drained =
                    background.submit(() -> postDrain("ops", "?seconds=3&wait=true"));
            List<WsClient> onNode2 = new ArrayList<>();
            for (WsClient client : onNode1) {
                assertEquals(new WsClient.Close(1001, "server shutting down"), client.awaitClose());
                WsClient moved = WsClient.open(node2.endpoint(), "dave"); // at once, no retry, no back-off
                clients.add(moved);
                assertTrue(moved.admitted(), "the drained slot was free in the cluster before the 1001 arrived: "
                        + moved.answer());
                onNode2.add(moved);
            }
            assertEquals("5", onNode2.get(4).welcomeField("active"), "all five of dave's slots, now on node 2");
            assertEquals(503, WsClient.refusedStatus("alice"));

            HttpResponse<String> done = drained.get(60, TimeUnit.SECONDS);
            assertEquals(200, done.statusCode(), done.body());
            assertTrue(done.body().contains("\"finished\":true"), done.body());
            assertTrue(done.body().contains("\"closed\":5"), done.body());
            assertEquals(503, OpsHttp.get("/health/ready").statusCode());
            assertEquals(200, SecondNode.readyStatus(Integer.getInteger("node2HttpPort")), "node 2 stays ready");
        } finally {
            background.shutdownNow();
            endDrainQuietly();
            WsClient.closeAll(clients);
            node2.stop();
            deployer.undeploy(CLUSTER);
        }
    }

    /** Opens {@code count} connections spread over the four users, a few at a time, each waiting for its answer. */
    private static List<WsClient> openAll(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<WsClient>> opens = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String user = USERS[i % USERS.length];
                opens.add(() -> WsClient.open(user));
            }
            List<WsClient> opened = new ArrayList<>();
            for (Future<WsClient> open : pool.invokeAll(opens, 120, TimeUnit.SECONDS)) {
                opened.add(open.get());
            }
            return opened;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Closes seen per 500 ms from the drain's start (epoch ms on this machine's clock, the server's too). */
    private static int[] perWindow(List<WsClient> clients, long drainStart) {
        long last = clients.stream().mapToLong(WsClient::closedAtMillis).max().orElseThrow();
        int[] counts = new int[(int) Math.max(1, (last - drainStart) / WINDOW_MILLIS + 1)];
        for (WsClient client : clients) {
            long at = Math.max(0, client.closedAtMillis() - drainStart);
            counts[(int) (at / WINDOW_MILLIS)]++;
        }
        return counts;
    }

    /** POST /admin/drain with the query, as the user (password wsquota), or without credentials when null. */
    private static HttpResponse<String> postDrain(String user, String query) throws IOException, InterruptedException {
        return postDrain(user, query, null);
    }

    /** As {@link #postDrain(String, String)}, from a browser page of this origin (null: not from a browser). */
    private static HttpResponse<String> postDrain(String user, String query, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + System.getProperty("httpPort") + "/admin/drain" + query))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, WsClient.PASSWORD));
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Ends a drain a failed test may have left running, so the undeploy is all that is left to do. */
    private static void endDrainQuietly() {
        try (JmxClient jmx = JmxClient.connect()) {
            jmx.factory().endDrain();
        } catch (IOException | RuntimeException e) {
            System.out.println("DrainIT: could not end the drain before the undeploy (the undeploy ends it): " + e);
        }
    }
}
