package dev.wsquota.quota;

import java.util.List;

/**
 * One row of the operator's table of a user's managers.
 *
 * @param managerId     the manager id (what {@code closeManager} takes)
 * @param user          the user id
 * @param remoteAddress the peer's address as the container saw it
 * @param openedAtMillis when it was admitted, epoch milliseconds
 * @param idleSeconds   seconds since the peer last sent anything
 * @param messagesIn    messages received from the peer
 * @param messagesOut   messages sent to the peer
 */
public record ManagerView(String managerId, String user, String remoteAddress, long openedAtMillis, long idleSeconds,
                          long messagesIn, long messagesOut) implements java.io.Serializable {

    /** One row per live manager of the user, oldest first. */
    public static List<ManagerView> rows(ManagerRegistry registry, String user) {
        long now = registry.now();
        return registry.managersOf(user).stream().map(manager -> of(manager, now)).toList();
    }

    static ManagerView of(Manager manager, long nowMillis) {
        return new ManagerView(manager.id(), manager.user(), manager.connection().remoteAddress(),
                manager.openedAtMillis(), manager.idleMillis(nowMillis) / 1000, manager.messagesIn(),
                        manager.messagesOut());
    }
}
