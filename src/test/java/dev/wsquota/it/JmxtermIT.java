package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jmxterm 1.0.4 from Maven Central, a JMX client with no EE classes, driven as an admin would on the
 * local connector address: get, set, run, and a refused bad value whose message reaches it intact.
 */
// Liberty-only (not tagged "portable"): jmxterm connects through the address file of Liberty's localConnector-1.0.
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JmxtermIT {

    private static final String BEAN = "dev.wsquota:type=ManagerFactory";
    private static final long TIMEOUT_SECONDS = 90;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("jmxterm");
    }

    @AfterEach
    void restoreQuota() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            jmx.factory().setMaxManagersPerUser(5);
        }
    }

    @Test
    void anAdminGetsSetsAndRunsThroughJmxterm() throws Exception {
        String out = jmxterm(List.of(
                "get -b " + BEAN + " MaxManagersPerUser",
                "set -b " + BEAN + " MaxManagersPerUser 4",
                "get -b " + BEAN + " MaxManagersPerUser",
                "run -b " + BEAN + " forceCleanup",
                "quit"));
        assertTrue(out.contains("MaxManagersPerUser = 5;"), out);
        assertTrue(out.contains("MaxManagersPerUser = 4;"), out);
        assertTrue(out.contains("#calling operation forceCleanup of mbean " + BEAN), out);
        assertTrue(out.contains("#operation returns: \n0"), out);
        try (JmxClient jmx = JmxClient.connect()) {
            assertEquals(4, jmx.factory().getMaxManagersPerUser(), "jmxterm's set reached the factory");
        }
    }

    @Test
    void aBadValueIsRefusedWithAMessageJmxtermCanShow() throws Exception {
        String out = jmxterm(List.of(
                "set -b " + BEAN + " MaxManagersPerUser 0",
                "get -b " + BEAN + " MaxManagersPerUser",
                "quit"));
        assertTrue(
                out.contains(
                "java.lang.IllegalArgumentException: MaxManagersPerUser must be between 1 and 1000000, was 0"), out);
        assertTrue(!out.contains("ClassNotFoundException") && !out.contains("UnmarshalException"), out);
        assertTrue(out.contains("MaxManagersPerUser = 5;"), "nothing changed: " + out);
    }

    /** Runs jmxterm non-interactively with these commands on stdin; returns stdout and stderr together. */
    private static String jmxterm(List<String> commands) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("jmxtermJar"));
        assertTrue(Files.isRegularFile(jar), "jmxterm jar missing (maven-dependency-plugin copies it): " + jar);
        String address = Files.readString(JmxClient.addressFile()).trim();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "-l", address, "-n", "-v",
                "verbose")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jmxterm did not finish within " + TIMEOUT_SECONDS + " s; output so far: "
                    + output.getNow("(unread)"));
        }
        String out = output.join().replace("\r\n", "\n");
        assertEquals(0, process.exitValue(), "jmxterm exit code; output:\n" + out);
        return out;
    }

    private static String readAll(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (in) {
            in.transferTo(bytes);
        } catch (IOException e) {
            bytes.writeBytes(("\n[reading jmxterm's output failed: " + e + "]").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
