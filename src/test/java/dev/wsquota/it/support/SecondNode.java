package dev.wsquota.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The second Liberty server of the cluster tests, laid out by the build (execution create-it-node2) and
 * started, killed, frozen and stopped by the test itself, as an operator or a crash would.
 */
public final class SecondNode {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path wlp = Path.of(System.getProperty("wlpHome"));
    private final String name = System.getProperty("node2ServerName");
    private final int httpPort = Integer.getInteger("node2HttpPort");

    public URI endpoint() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/ws");
    }

    /** Starts the server and waits until the application answers ready (it is ready only once it joined). */
    public void start() throws IOException, InterruptedException {
        run(wlp.resolve("bin/server").toString(), "start", name);
        Await.until("node 2 ready", Duration.ofSeconds(180), this::readyStatus, status -> status == 200);
    }

    /** Stops the server normally (its member leaves the cluster). */
    public void stop() throws IOException, InterruptedException {
        run(wlp.resolve("bin/server").toString(), "stop", name);
    }

    /** The server JVM's process id, from the file Liberty writes at start. */
    public long pid() throws IOException {
        return Long.parseLong(Files.readString(wlp.resolve("usr/servers/.pid/" + name + ".pid")).trim());
    }

    public void signal(String signal) throws IOException, InterruptedException {
        run("kill", "-" + signal, Long.toString(pid()));
    }

    /** Waits until the process is gone, e.g. after kill -9. */
    public void awaitGone() throws IOException {
        awaitGone(pid());
    }

    private static void awaitGone(long pid) {
        Await.until("node 2 process gone", Duration.ofSeconds(60),
                () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
    }

    /** Stops the server, or what a kill or a freeze left of it, and starts it again. */
    public void restart() throws IOException, InterruptedException {
        long pid = pid();
        signal("CONT"); // a frozen JVM cannot stop; a running or dead one ignores it
        stop();
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            run("kill", "-KILL", Long.toString(pid)); // a stop that did not end the JVM
        }
        awaitGone(pid);
        start();
    }

    public int readyStatus() {
        return readyStatus(httpPort);
    }

    /** The HTTP status of a server's /health/ready on this port, or -1 while it does not listen. */
    public static int readyStatus(int port) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening (yet)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 180 s");
        }
    }
}
