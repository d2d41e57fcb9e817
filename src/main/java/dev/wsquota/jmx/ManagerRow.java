package dev.wsquota.jmx;

import java.util.Date;

/**
 * One row of {@link ManagerFactoryMXBean#listManagers(String)}; JMX shows it as a CompositeData with these items.
 *
 * @param managerId     the manager id ({@code closeManager} takes it)
 * @param remoteAddress the peer's address as the container saw it
 * @param openedAt      when it was admitted
 * @param idleSeconds   seconds since the peer last sent anything
 * @param messagesIn    messages received from the peer
 * @param messagesOut   messages sent to the peer
 */
public record ManagerRow(String managerId, String remoteAddress, Date openedAt, long idleSeconds, long messagesIn,
                         long messagesOut) {
}
