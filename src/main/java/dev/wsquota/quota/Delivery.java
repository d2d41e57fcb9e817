package dev.wsquota.quota;

import java.io.Serializable;

/**
 * What a message sent to a user, a manager or everyone came to.
 *
 * @param delivered   managers whose outbound queue took the message (not necessarily written yet)
 * @param nodes       nodes that held at least one of the target's managers (1 on a single node, 0 if none did)
 * @param refused     managers whose queue was full: they did not get it and are being closed as too slow
 * @param unreachable cluster nodes that should have been asked and did not answer in time (0 on a single node)
 */
public record Delivery(int delivered, int nodes, int refused, int unreachable) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Nobody to send to. */
    public static final Delivery NONE = new Delivery(0, 0, 0, 0);

    /** Both deliveries together (two nodes' parts of one message). */
    public Delivery plus(Delivery other) {
        return new Delivery(delivered + other.delivered, nodes + other.nodes, refused + other.refused,
                unreachable + other.unreachable);
    }

    /** Written out (see {@link Settings#toString()} on generated record methods). */
    @Override
    public String toString() {
        return "Delivery[delivered=" + delivered + ", nodes=" + nodes + ", refused=" + refused + ", unreachable="
                + unreachable + "]";
    }
}
