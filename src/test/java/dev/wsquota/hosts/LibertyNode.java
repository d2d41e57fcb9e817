package dev.wsquota.hosts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Liberty node of the end-to-end scenario: its own user directory holding the server "wsquota" as the
 * repository ships it ({@code liberty/}), the WAR in dropins, and the production settings as server variables,
 * which MicroProfile Config reads like {@code -Dliberty.var.*} on the README's run command.
 */
final class LibertyNode {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The readiness check's member list: each member as host:port, comma-separated. */
    private static final Pattern MEMBERS = Pattern.compile("\"members\"\\s*:\\s*\"([^\"]*)\"");

    private LibertyNode() {
    }

    /**
     * Lays out the node's user directory, from nothing, and returns it: an earlier run's keys were made with that
     * run's keystore password and cannot be read with this one's (CWWKS4106E, then every login is refused 401).
     */
    static Path layOut(Path userDir, Path war, String members, int minMembers, int quota) throws IOException {
        if (Files.exists(userDir)) {
            try (var tree = Files.walk(userDir)) {
                for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Path server = userDir.resolve("servers/wsquota");
        Files.createDirectories(server.resolve("dropins"));
        Files.createDirectories(server.resolve("configDropins/overrides"));
        for (String file : List.of("server.xml", "jvm.options")) {
            Files.copy(Path.of("liberty", file), server.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(war, server.resolve("dropins/wsquota.war"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(server.resolve("server.env"), "keystore_password=" + UUID.randomUUID() + "\n");
        Files.writeString(server.resolve("configDropins/overrides/hosts.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <server>
                    <variable name="http.host" value="*"/>
                    <variable name="http.port" value="9080"/>
                    <variable name="https.port" value="9443"/>
                    <variable name="wsquota.cluster" value="hazelcast"/>
                    <variable name="wsquota.cluster.members" value="%s"/>
                    <variable name="wsquota.cluster.min-members" value="%d"/>
                    <variable name="wsquota.max-managers-per-user" value="%d"/>
                </server>
                """.formatted(members, minMembers, quota));
        return userDir;
    }

    /** Waits until the node's readiness is UP with {@code members} cluster members; false after {@code seconds}. */
    static boolean awaitReady(String address, int members, long seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address
                        + ":9080/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = MEMBERS.matcher(ready.body());
                if (ready.statusCode() == 200 && m.find() && m.group(1).split(",").length >= members) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet: the server is still starting
            }
            Thread.sleep(1_000);
        }
        return false;
    }

    /** The node's "wsquota joined cluster ..." log line, which names the address its member bound. */
    static String joinedLine(Path userDir) throws IOException {
        Path log = userDir.resolve("servers/wsquota/logs/messages.log");
        if (!Files.exists(log)) {
            return "no messages.log in " + userDir;
        }
        return Files.readAllLines(log).stream().filter(line -> line.contains("wsquota joined cluster")).findFirst()
                .map(line -> line.substring(line.indexOf("wsquota joined"))).orElse("no join line in " + log);
    }
}
