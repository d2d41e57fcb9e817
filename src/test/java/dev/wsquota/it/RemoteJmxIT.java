package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JConsoleFlagsProbe;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.RemoteJmx;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Remote JMX over Liberty's REST connector (HTTPS), from this JVM with the runtime's restConnector.jar, as
 * JConsole would: the administrator "ops" reads, writes and runs; "alice" (a user, not an administrator),
 * a wrong password and no credentials are all refused.
 */
// Liberty-only (not tagged "portable"): Liberty's restConnector-2.0 and its client jar.
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RemoteJmxIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("remotejmx");
    }

    @Test
    void theClientJarAndTheTrustStoreAreWhereTheReadmeSays() {
        assertTrue(Files.isRegularFile(RemoteJmx.clientJar()), RemoteJmx.clientJar() + " missing");
        assertTrue(Files.isRegularFile(RemoteJmx.keyStore()), RemoteJmx.keyStore() + " missing");
    }

    @Test
    void theAdministratorReadsWritesAndRunsOperations() throws Exception {
        java.util.List<javax.management.Notification> audit = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (JmxClient observer = JmxClient.connect();
             JMXConnector connector = RemoteJmx.connect("ops", "wsquota")) {
            observer.connection().addNotificationListener(ManagerFactoryAdmin.OBJECT_NAME,
                    (notification, handback) -> audit.add(notification), null, null);
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            assertTrue(connection.isRegistered(ManagerFactoryAdmin.OBJECT_NAME));
            assertEquals(5, connection.getAttribute(ManagerFactoryAdmin.OBJECT_NAME, "MaxManagersPerUser"));

            ManagerFactoryMXBean factory = JMX.newMXBeanProxy(connection, ManagerFactoryAdmin.OBJECT_NAME,
                    ManagerFactoryMXBean.class);
            try {
                factory.setMaxManagersPerUser(7);
                assertEquals(7, factory.getMaxManagersPerUser());
                assertEquals(0, factory.forceCleanup());
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> factory.setMaxManagersPerUser(0));
                assertEquals("MaxManagersPerUser must be between 1 and 1000000, was 0", refused.getMessage());
                assertEquals(7, factory.getMaxManagersPerUser());
            } finally {
                factory.setMaxManagersPerUser(5);
            }
            javax.management.Notification write = Await.until("the audit record of the remote write",
                    java.time.Duration.ofSeconds(10),
                    () -> audit.stream().filter(n -> n.getMessage().contains("MaxManagersPerUser changed from 5 to 7"))
                            .findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
            assertEquals("ops", ((javax.management.openmbean.CompositeData) write.getUserData()).get("caller"),
                    "the audit names the administrator the REST connector authenticated");
        }
        try (JmxClient local = JmxClient.connect()) {
            assertEquals(5, local.factory().getMaxManagersPerUser(), "the remote write was undone");
        }
    }

    @Test
    void aUserWhoIsNotAnAdministratorIsRefused() {
        IOException refused = assertThrows(IOException.class, () -> connectAndRead("alice", "wsquota"));
        assertRefusedWith(403, refused);
    }

    @Test
    void aWrongPasswordIsRefused() {
        IOException refused = assertThrows(IOException.class, () -> connectAndRead("ops", "not-the-password"));
        assertRefusedWith(401, refused);
    }

    @Test
    void theConnectorItselfAnswers401WithoutCredentialsAnd403ToANonAdministrator() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(RemoteJmx.trustingTheServer())
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI mbeans = URI.create("https://localhost:" + System.getProperty("httpsPort") + "/IBMJMXConnectorREST/mbeans");
        assertEquals(401, https.send(HttpRequest.newBuilder(mbeans).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "anonymous");
        assertEquals(403, https.send(HttpRequest.newBuilder(mbeans).timeout(Duration.ofSeconds(20))
                .header("Authorization", WsClient.basic("alice", "wsquota")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "alice is a user, not an administrator");
        assertEquals(200, https.send(HttpRequest.newBuilder(mbeans).timeout(Duration.ofSeconds(20))
                .header("Authorization", WsClient.basic("ops", "wsquota")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "ops is the administrator");
    }

    @Test
    void theReadmesJConsoleOptionsConnectAChildJvm() throws Exception {
        Path testClasses = Path.of(JConsoleFlagsProbe.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", RemoteJmx.clientJar() + File.pathSeparator + testClasses,
                "-Djavax.net.ssl.trustStore=" + RemoteJmx.keyStore(),
                "-Djavax.net.ssl.trustStorePassword=" + new String(RemoteJmx.keyStorePassword()),
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                JConsoleFlagsProbe.class.getName(), RemoteJmx.serviceUrl(), "ops", "wsquota")
                .redirectErrorStream(true).start();
        jvm.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = jvm.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "[reading the child JVM's output failed: " + e + "]";
            }
        });
        if (!jvm.waitFor(60, TimeUnit.SECONDS)) {
            jvm.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 60 s: " + output.getNow("(unread)"));
        }
        String out = output.join();
        assertEquals(0, jvm.exitValue(), out);
        assertTrue(out.contains("MaxManagersPerUser=5"), out);
    }

    /** Connects and reads one attribute, so a refusal at either step counts. */
    private static Object connectAndRead(String user, String password) throws Exception {
        try (JMXConnector connector = RemoteJmx.connect(user, password)) {
            return connector.getMBeanServerConnection()
                    .getAttribute(ManagerFactoryAdmin.OBJECT_NAME, "MaxManagersPerUser");
        }
    }

    /**
     * The client jar reports the server's HTTP status: CWWKX0229E ... "code 401" (who?) or "code 403" (not allowed).
     */
    private static void assertRefusedWith(int status, IOException refused) {
        String chain = describe(refused);
        assertTrue(chain.contains("CWWKX0229E") && chain.contains("responded with code " + status), chain);
    }

    private static String describe(Throwable error) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = error; t != null && chain.length() < 2_000; t = t.getCause()) {
            chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
        }
        return chain.toString();
    }
}
