package dev.wsquota.inbound;

import dev.wsquota.quota.ConnectionClosingException;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.Outboxes;
import dev.wsquota.quota.PushFrame;

import java.io.IOException;

/**
 * Replies and error frames through the manager's outbound queue, the same path as the application's messages to
 * users: bounded per manager, in order after the welcome and after every earlier message, and a peer that does not
 * read is closed as a slow consumer (4003) instead of holding a handler thread. A reply is a pushed message frame.
 */
public final class QueuedReplies implements ManagerOutbox {

    private final Outboxes outboxes;

    public QueuedReplies(Outboxes outboxes) {
        this.outboxes = outboxes;
    }

    @Override
    public void text(Manager to, String text) throws IOException {
        offer(to, PushFrame.of(text));
    }

    @Override
    public void error(Manager to, String reason) throws IOException {
        offer(to, ManagerOutbox.errorFrame(reason));
    }

    private void offer(Manager to, String frame) throws IOException {
        switch (outboxes.offer(to, frame)) {
            case DELIVERED -> { }
            case GONE -> throw new ConnectionClosingException("the connection of " + to + " is closing", null);
            case REFUSED -> throw new IOException("the queue of " + to + " was full: closed as too slow (4003)");
        }
    }
}
