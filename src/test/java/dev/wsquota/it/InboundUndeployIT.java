package dev.wsquota.it;

import dev.wsquota.example.ClosedReporter;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.InboundConfig;
import dev.wsquota.it.support.InboundFrames;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.ServerThreads;
import dev.wsquota.it.support.ShutdownCloses;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.MBeanServerConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the application's handlers see when it is undeployed with managers open: every welcomed manager gets one
 * closed event with cause SHUTDOWN, in forward mode (POSTed to a JDK HttpServer in the test JVM) and in CDI mode (an
 * observer that reports over HTTP to the same server); and the forward's HTTP client thread does not outlive the
 * application (read from the server's thread list over JMX, with no GC asked for).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InboundUndeployIT {

    private static final String FORWARD = "inbound-stop-forward";
    private static final String CDI = "inbound-stop-cdi";
    private static final String SELECTOR = "-SelectorManager";

    private static InboundForwardIT.Backend backend;

    @ArquillianResource
    private Deployer deployer;

    @BeforeAll
    static void startBackend() {
        backend();
    }

    @AfterAll
    static void stopBackend() {
        backend.stop();
    }

    private static InboundForwardIT.Backend backend() {
        if (backend == null) {
            backend = InboundForwardIT.Backend.start();
        }
        return backend;
    }

    private static String hook() {
        return "http://127.0.0.1:" + backend().port() + "/hook";
    }

    @Deployment(name = FORWARD, managed = false, testable = false)
    static WebArchive forward() {
        return Deployments.product(FORWARD).addAsLibrary(InboundConfig.jar(
                "wsquota.inbound.mode=forward\n"
                        + "wsquota.inbound.forward-url=" + hook() + "\n"
                        + "wsquota.inbound.forward-secret=it-secret\n"
                        + "wsquota.inbound.forward-lifecycle=true\n"));
    }

    @Deployment(name = CDI, managed = false, testable = false)
    static WebArchive cdi() {
        return Deployments.product(CDI).addClass(ClosedReporter.class).addAsLibrary(InboundConfig.jar(
                "wsquota.inbound.mode=cdi\n"
                        + "it.inbound.report-url=" + hook() + "\n"));
    }

    @Test
    void forwardModePostsOneClosedShutdownPerManagerAndItsClientThreadEnds() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            MBeanServerConnection threads = jmx.connection();
            Set<String> before = selectorThreads(threads);
            deployer.deploy(FORWARD);
            List<String> ids = new ArrayList<>();
            List<WsClient> clients = new ArrayList<>();
            boolean undeployed = false;
            try {
                holdManagers(clients, ids);
                for (String id : ids) {
                    Await.until("the opened post of " + id, Duration.ofSeconds(15),
                            () -> backend.answered.stream().anyMatch(body -> body.contains("\"opened\"")
                                    && body.contains(id)), found -> found);
                }
                clients.get(0).send("hello");
                assertEquals("backend: hello", InboundFrames.text(clients.get(0).next(15)));
                Set<String> ours = new HashSet<>(selectorThreads(threads));
                ours.removeAll(before);
                assertFalse(ours.isEmpty(), "the forward's HttpClient thread while deployed: "
                        + selectorThreads(threads));
                deployer.undeploy(FORWARD);
                undeployed = true;
                assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients));
                assertClosedShutdownOnce(ids);
                Set<String> left = Await.until("the forward's HttpClient thread ended", Duration.ofSeconds(5),
                        () -> intersection(selectorThreads(threads), ours), Set::isEmpty);
                System.out.println("selector threads of the undeployed forward: " + ours + ", alive after: " + left);
            } finally {
                if (!undeployed) {
                    deployer.undeploy(FORWARD);
                }
                WsClient.closeAll(clients);
            }
        }
    }

    @Test
    void cdiObserversGetOneClosedShutdownPerManagerWhileTheApplicationStops() throws Exception {
        deployer.deploy(CDI);
        List<String> ids = new ArrayList<>();
        List<WsClient> clients = new ArrayList<>();
        boolean undeployed = false;
        try {
            holdManagers(clients, ids);
            deployer.undeploy(CDI);
            undeployed = true;
            assertEquals(ShutdownCloses.expected(clients.size()), ShutdownCloses.of(clients));
            assertClosedShutdownOnce(ids);
        } finally {
            if (!undeployed) {
                deployer.undeploy(CDI);
            }
            WsClient.closeAll(clients);
        }
    }

    /** Three managers of two users, each welcomed. */
    private static void holdManagers(List<WsClient> clients, List<String> ids) {
        for (String user : new String[]{"alice", "alice", "bob"}) {
            WsClient client = WsClient.open(user);
            clients.add(client);
            ids.add(client.welcomeField("managerId"));
        }
    }

    private static void assertClosedShutdownOnce(List<String> ids) {
        for (String id : ids) {
            Await.until("the closed post of " + id, Duration.ofSeconds(15),
                    () -> closedPosts(id), posts -> !posts.isEmpty());
        }
        for (String id : ids) {
            List<String> posts = closedPosts(id);
            assertEquals(1, posts.size(), "closed posts of " + id + ": " + posts);
            assertTrue(posts.get(0).endsWith("\"cause\":\"SHUTDOWN\"}"), posts.get(0));
        }
    }

    private static List<String> closedPosts(String id) {
        return backend.bodies.stream()
                .filter(body -> body.startsWith("{\"event\":\"closed\"") && body.contains("\"" + id + "\""))
                .collect(Collectors.toList());
    }

    private static Set<String> selectorThreads(MBeanServerConnection server) {
        try {
            return ServerThreads.httpClientSelectors(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }
}
