package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.SecondNode;
import dev.wsquota.it.support.ShutdownCloses;
import dev.wsquota.it.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real server stop ({@code bin/server stop}) with clients held: every slot is released with one summary line and
 * no stack, and no client hears anything but a 1001 "server shutting down" or a dropped connection. Liberty 26.0.0.5
 * drops the WebSocket connections (1006) when its quiesce stops the HTTP channel, before any application code runs
 * (its singleton destroy-on-quiesce option is beta-only), so the 1001 is not reachable on a server stop yet; the test
 * prints what the clients saw. The server is a copy of the second node's layout (the product WAR in dropins) without
 * its cluster settings, on the second node's ports, started and stopped by the test as an operator would.
 */
class ServerStopIT {

    private static final Path WLP = Path.of(System.getProperty("wlpHome"));
    /** Its own name, not containing the IT server's (Arquillian matches running server names as substrings). */
    private static final String NAME = "wsquotaStop" + System.getProperty("node2HttpPort");
    private static final int PORT = Integer.getInteger("node2HttpPort");
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};
    private static final int PER_USER = 3;
    private static boolean running;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        Path node2 = WLP.resolve("usr/servers/" + System.getProperty("node2ServerName"));
        Path server = WLP.resolve("usr/servers/" + NAME);
        deleteTree(server);
        for (String part : List.of("server.xml", "server.env", "bootstrap.properties", "jvm.options", "dropins")) {
            copyTree(node2.resolve(part), server.resolve(part));
        }
        run("start");
        running = true;
        Await.until(NAME + " ready", Duration.ofSeconds(180), ServerStopIT::readyStatus, status -> status == 200);
    }

    @AfterAll
    static void stopServer() throws IOException, InterruptedException {
        if (running) {
            run("stop");
        }
    }

    @Test
    void everyHeldClientIsReleasedQuietlyAndClosedOnServerStop() throws IOException, InterruptedException {
        URI endpoint = URI.create("ws://127.0.0.1:" + PORT + "/ws");
        List<WsClient> clients = new ArrayList<>();
        try {
            for (String user : USERS) {
                for (int i = 0; i < PER_USER; i++) {
                    WsClient client = WsClient.open(endpoint, user);
                    clients.add(client);
                    assertEquals("welcome", client.welcomeField("type"));
                }
            }
            run("stop");
            running = false;
            Map<String, Integer> seen = ShutdownCloses.of(clients);
            seen.keySet()
                    .removeAll(Set.of(ShutdownCloses.GOING_AWAY.toString(), new WsClient.Close(1006, "").toString()));
            assertEquals(Map.of(), seen, "closes other than 1001 'server shutting down' or a dropped connection");
            List<String> log = Files.readAllLines(WLP.resolve("usr/servers/" + NAME + "/logs/messages.log"));
            assertEquals(1, log.stream().filter(line -> line.contains("wsquota stopped: released " + clients.size()
                    + " managers")).count(), "one summary line for the stop in messages.log");
            assertEquals(List.of(), log.stream().filter(line -> line.contains(" W ") || line.contains(" E ")
                    || line.contains("Exception")).toList(), "warnings, errors or stacks in messages.log");
        } finally {
            WsClient.closeAll(clients);
        }
    }

    private static int readyStatus() {
        return SecondNode.readyStatus(PORT);
    }

    private static void run(String action) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(WLP.resolve("bin/server").toString(), action, NAME)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server " + action + " " + NAME + " did not finish within 180 s");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path each : paths.toList()) {
                Path target = to.resolve(from.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(each, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
