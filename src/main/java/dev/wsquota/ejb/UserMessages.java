package dev.wsquota.ejb;

import dev.wsquota.cluster.ClusterMessages;
import dev.wsquota.quota.Delivery;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * How code deployed in this application sends a message to users: inject it and call {@link #toUser},
 * {@link #toManager} or {@link #toEveryone}. Each call returns at once with what happened ({@link Delivery}),
 * never waiting for a peer; clients receive {@code {"type":"message","data":"<text>"}} (docs/messages.md).
 *
 * <p>The factory's {@link ClusterMessages} is fetched through the container once and then called directly, like the
 * endpoint's {@code releaser()}: it needs no lock of the bean, and an EJB call per message (security check,
 * transaction context, READ lock) cost more than the send itself.
 */
@ApplicationScoped
public class UserMessages {

    @EJB
    private ManagerFactory factory;

    /** The factory's messages, once fetched; the factory makes them once, at its start. */
    private volatile ClusterMessages messages;

    /**
     * To every live manager of the user, on every node.
     *
     * @throws IllegalArgumentException if the user id is one the handshake would refuse (blank, too long)
     */
    public Delivery toUser(String user, String text) {
        return messages().toUser(user, text);
    }

    /** To the live manager with this id, wherever it is; empty if no live manager has it (unknown or closed). */
    public Optional<Delivery> toManager(String managerId, String text) {
        return messages().toManager(managerId, text);
    }

    /** To every live manager of every user, on every node. */
    public Delivery toEveryone(String text) {
        return messages().toEveryone(text);
    }

    private ClusterMessages messages() {
        ClusterMessages mine = messages;
        if (mine == null) {
            mine = factory.messages(); // two threads racing here fetch the same object
            messages = mine;
        }
        return mine;
    }
}
