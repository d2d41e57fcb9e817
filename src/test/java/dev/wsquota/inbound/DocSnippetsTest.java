package dev.wsquota.inbound;

import com.sun.net.httpserver.HttpServer;
import dev.wsquota.example.UpperCaseBackend;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java snippets of docs/inbound.md are the example classes' marked regions, word for word: the CDI example runs
 * in InboundCdiIT, the forward backend here, against the real forward handler.
 */
class DocSnippetsTest {

    private static final Path DOC = Path.of("docs/inbound.md");

    @Test
    void theDocShowsTheExamplesAsCompiled() throws IOException {
        String doc = Files.readString(DOC);
        for (Map.Entry<String, Path> snippet : Map.of(
                "notes-app", Path.of("src/test/java/dev/wsquota/example/NotesApp.java"),
                "forward-backend", Path.of("src/test/java/dev/wsquota/example/UpperCaseBackend.java")).entrySet()) {
            String source = Files.readString(snippet.getValue());
            int from = source.indexOf("// snippet:" + snippet.getKey() + "\n");
            int to = source.indexOf("// end:" + snippet.getKey() + "\n");
            assertTrue(from >= 0 && to > from, snippet.getKey() + " is marked in " + snippet.getValue());
            String region = source.substring(source.indexOf('\n', from) + 1, to);
            assertTrue(doc.contains("```java\n" + region + "```\n"), "docs/inbound.md shows " + snippet.getKey()
                    + " exactly as in " + snippet.getValue());
        }
    }

    @Test
    void theForwardBackendExampleAnswersThroughTheForward() throws Exception {
        HttpServer backend = UpperCaseBackend.start(0, "s3cret");
        ExecutorService executor = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor();
        try {
            ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(5, 10), System::currentTimeMillis);
            Manager alice = registry.admit("alice", new FakeConnection()).manager();
            for (String secret : List.of("s3cret", "wrong")) {
                InboundSettings settings = InboundSettings.load(key -> Optional.ofNullable(Map.of(
                        InboundSettings.MODE, "forward",
                        InboundSettings.FORWARD_URL, "http://127.0.0.1:" + backend.getAddress().getPort() + "/hook",
                        InboundSettings.FORWARD_SECRET, secret).get(key)));
                InboundStatistics statistics = new InboundStatistics();
                ForwardHandler forward = new ForwardHandler(settings, executor, timeouts, statistics);
                InboundLanes lanes = new InboundLanes(executor, forward,
                        DirectOutbox.INSTANCE, statistics, 16);
                InboundLanes.Lane lane = lanes.open(alice);
                lane.start(1);
                lane.message("hello you");
            }
            FakeConnection connection = (FakeConnection) alice.connection();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connection.sent().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Set.of("HELLO YOU", "{\"type\":\"error\",\"reason\":\"backend answered 403\"}"),
                    Set.copyOf(connection.sent()));
            assertEquals(2, connection.sent().size());
        } finally {
            backend.stop(0);
            executor.shutdownNow();
            timeouts.shutdownNow();
        }
    }
}
