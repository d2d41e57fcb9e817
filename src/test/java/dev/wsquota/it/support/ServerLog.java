package dev.wsquota.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test server's log file, read from the test JVM: Liberty's messages.log, or the file {@code serverLog} names
 * (WildFly's server.log).
 */
public final class ServerLog {

    private ServerLog() {
    }

    public static Path path() {
        String configured = System.getProperty("serverLog", "");
        return configured.isBlank()
                ? Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"),
                        "logs", "messages.log")
                : Path.of(configured);
    }

    public static String read() {
        try {
            return Files.readString(path(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the server log " + path(), e);
        }
    }
}
