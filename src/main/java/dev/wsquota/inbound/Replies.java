package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ConnectionClosingException;
import dev.wsquota.util.WeakLogger;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What an event's reply handle calls: the outbox, with a closing connection answered by false instead of a throw. */
final class Replies {

    private static final Logger LOG = WeakLogger.of(Replies.class);

    private final ManagerOutbox outbox;
    private final InboundStatistics statistics;

    Replies(ManagerOutbox outbox, InboundStatistics statistics) {
        this.outbox = outbox;
        this.statistics = statistics;
    }

    boolean send(Manager to, String text) {
        try {
            outbox.text(to, text);
            return true;
        } catch (ConnectionClosingException closing) {
            // A reply racing the close of its connection: that connection's normal end.
            LOG.log(Level.FINE, () -> "reply to " + to + " dropped: " + closing.getMessage());
            return false;
        } catch (IOException e) {
            statistics.countReplyFailure();
            LOG.info(() -> "reply to " + to + " failed: " + e);
            return false;
        }
    }

    /** Sends an error frame; a connection that cannot take it is gone anyway (logged at FINE). */
    void error(Manager to, String reason) {
        try {
            outbox.error(to, reason);
        } catch (IOException e) {
            LOG.log(Level.FINE, () -> "error frame to " + to + " (" + reason + ") not sent: " + e);
        }
    }
}
