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
import java.util.logging.Logger;

/**
 * The example application of docs/inbound.md: per-user notes kept by CDI observers in the WAR. A client sends
 * "note buy milk" to keep a note and "notes" to read them back; every connection of the user sees the same notes.
 */
// snippet:notes-app
@ApplicationScoped
public class NotesApp {

    private static final Logger LOG = Logger.getLogger(NotesApp.class.getName());
    private final Map<String, List<String>> notes = new ConcurrentHashMap<>();

    void onOpened(@Observes ManagerOpened opened) {
        List<String> mine = notes.get(opened.user());
        if (mine != null && !mine.isEmpty()) {
            opened.reply("you have " + mine.size() + " notes");
        }
    }

    void onMessage(@Observes ClientMessage message) {
        String text = message.text();
        if (text.startsWith("note ")) {
            List<String> mine = notes.computeIfAbsent(message.user(), user -> new CopyOnWriteArrayList<>());
            mine.add(text.substring("note ".length()));
            message.reply("noted " + mine.size());
        } else if (text.equals("notes")) {
            message.reply(String.join("\n", notes.getOrDefault(message.user(), List.of())));
        }
    }

    void onClosed(@Observes ManagerClosed closed) {
        LOG.fine(() -> closed.managerId() + " of " + closed.user() + " closed: " + closed.cause());
    }
}
// end:notes-app
