package dev.wsquota.jconsole.model;

import java.util.Date;

/**
 * One row of {@code listManagers(user)}: a live connection of the selected user.
 *
 * @param managerId     the id {@code closeManager} takes
 * @param remoteAddress the peer's address
 * @param openedAt      when it was admitted
 * @param idleSeconds   seconds since the peer last sent anything
 * @param messagesIn    messages from the peer
 * @param messagesOut   messages to the peer
 */
public record ManagerLine(String managerId, String remoteAddress, Date openedAt, long idleSeconds, long messagesIn,
                          long messagesOut) {
}
