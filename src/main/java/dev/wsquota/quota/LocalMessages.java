package dev.wsquota.quota;

import java.util.List;
import java.util.Optional;

/**
 * Sends the application's messages to the managers on this node: to one user's, to one manager, or to all, each
 * as a {@link PushFrame} through the managers' {@link Outboxes}. Returns at once with what happened; never waits
 * for a peer. Only managers that hold their slot at the moment of the send are reached, so a message for one user
 * never reaches another and a closed manager's id never reaches its successor.
 */
public final class LocalMessages {

    private final ManagerRegistry registry;
    private final Outboxes outboxes;

    public LocalMessages(ManagerRegistry registry, Outboxes outboxes) {
        this.registry = registry;
        this.outboxes = outboxes;
    }

    public Outboxes outboxes() {
        return outboxes;
    }

    /** To every live manager of the user on this node. */
    public Delivery toUser(String user, String text) {
        UserIds.check(user);
        return send(registry.managersOf(user), text);
    }

    /** To the manager with this id if it is live on this node; empty if no live manager here has it. */
    public Optional<Delivery> toManager(String managerId, String text) {
        Optional<Manager> found = registry.find(managerId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Delivery sent = send(List.of(found.get()), text);
        return sent.nodes() == 0 ? Optional.empty() : Optional.of(sent);
    }

    /** To every live manager on this node. */
    public Delivery toEveryone(String text) {
        return send(registry.liveManagers(), text);
    }

    private Delivery send(Iterable<Manager> targets, String text) {
        String frame = PushFrame.of(text);
        int bytes = Outboxes.utf8Length(frame);
        int delivered = 0;
        int refused = 0;
        for (Manager manager : targets) {
            switch (outboxes.offer(manager, frame, bytes)) {
                case DELIVERED -> delivered++;
                case REFUSED -> refused++;
                default -> {
                    // released between the lookup and the offer: not a target any more
                }
            }
        }
        return delivered + refused == 0 ? Delivery.NONE : new Delivery(delivered, 1, refused, 0);
    }
}
