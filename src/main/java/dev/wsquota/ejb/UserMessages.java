package dev.wsquota.ejb;

import dev.wsquota.quota.Delivery;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * How code deployed in this application sends a message to users: inject it and call {@link #toUser},
 * {@link #toManager} or {@link #toEveryone}. Each call returns at once with what happened ({@link Delivery}),
 * never waiting for a peer; clients receive {@code {"type":"message","data":"<text>"}} (docs/messages.md).
 */
@ApplicationScoped
public class UserMessages {

    @EJB
    private ManagerFactory factory;

    /**
     * To every live manager of the user, on every node.
     *
     * @throws IllegalArgumentException if the user id is one the handshake would refuse (blank, too long)
     */
    public Delivery toUser(String user, String text) {
        return factory.messages().toUser(user, text);
    }

    /** To the live manager with this id, wherever it is; empty if no live manager has it (unknown or closed). */
    public Optional<Delivery> toManager(String managerId, String text) {
        return factory.messages().toManager(managerId, text);
    }

    /** To every live manager of every user, on every node. */
    public Delivery toEveryone(String text) {
        return factory.messages().toEveryone(text);
    }
}
