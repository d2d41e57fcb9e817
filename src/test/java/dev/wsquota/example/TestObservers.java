package dev.wsquota.example;

import dev.wsquota.inbound.ClientMessage;
import dev.wsquota.inbound.ManagerClosed;
import dev.wsquota.inbound.ManagerOpened;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the inbound ITs drive besides the example: "echo:x" answers x, "boom" throws, "sleep:ms" sleeps and then
 * answers "slept"; every manager's lifecycle is recorded for the test to read ({@link #lifecycle}).
 */
@ApplicationScoped
public class TestObservers {

    /** Per manager id: "opened n" and "closed CAUSE" in the order observed. Read in-container by the tests. */
    public static final Map<String, List<String>> LIFECYCLE = new ConcurrentHashMap<>();

    public static List<String> lifecycle(String managerId) {
        return LIFECYCLE.getOrDefault(managerId, List.of());
    }

    void onOpened(@Observes ManagerOpened opened) {
        LIFECYCLE.computeIfAbsent(opened.managerId(), id -> new CopyOnWriteArrayList<>())
                .add("opened " + opened.active());
    }

    void onClosed(@Observes ManagerClosed closed) {
        LIFECYCLE.computeIfAbsent(closed.managerId(), id -> new CopyOnWriteArrayList<>())
                .add("closed " + closed.cause());
    }

    void onMessage(@Observes ClientMessage message) throws InterruptedException {
        String text = message.text();
        if (text.startsWith("echo:")) {
            message.reply(text.substring("echo:".length()));
        } else if (text.equals("boom")) {
            throw new IllegalStateException("the test observer throws on purpose");
        } else if (text.startsWith("sleep:")) {
            Thread.sleep(Long.parseLong(text.substring("sleep:".length())));
            message.reply("slept");
        }
    }
}
