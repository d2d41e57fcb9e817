package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;

/**
 * One text message a manager's client sent, as application code observes it
 * ({@code void on(@Observes ClientMessage message)}). Messages of one manager reach observers one at a time, in the
 * order the client sent them, on a managed executor thread (never a WebSocket read thread).
 */
public final class ClientMessage {

    private final Manager manager;
    private final String text;
    private final Replies replies;

    ClientMessage(Manager manager, String text, Replies replies) {
        this.manager = manager;
        this.text = text;
        this.replies = replies;
    }

    /** The authenticated user whose client sent it. */
    public String user() {
        return manager.user();
    }

    /** The manager (connection) it came from, as in the client's welcome. */
    public String managerId() {
        return manager.id();
    }

    /** The text, exactly as the client sent it. */
    public String text() {
        return text;
    }

    /** Sends {@code text} to the manager this message came from; false if that connection is gone or closing. */
    public boolean reply(String text) {
        return replies.send(manager, text);
    }

    @Override
    public String toString() {
        return "message from " + manager + " (" + text.length() + " chars)";
    }
}
