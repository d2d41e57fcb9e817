/**
 * The cluster-wide quota on embedded Hazelcast: leased slots in one map, claimed atomically per user, freed when a
 * node dies. Start at {@link dev.wsquota.cluster.HazelcastLedger}, the registry's
 * {@code dev.wsquota.quota.SlotLedger} in a cluster.
 * <ul>
 *   <li>The map holds one {@link dev.wsquota.cluster.Slots} per user; it changes only through entry processors on
 *       the user's partition: {@link dev.wsquota.cluster.ClaimSlot}, {@link dev.wsquota.cluster.ReleaseSlot},
 *       {@link dev.wsquota.cluster.RenewSlots}, {@link dev.wsquota.cluster.PurgeMember}, read by
 *       {@link dev.wsquota.cluster.ReadSlots}; backups store what the primary computed
 *       ({@link dev.wsquota.cluster.StoreSlots}).</li>
 *   <li>{@link dev.wsquota.cluster.Leases} renews this member's slots and fences the node when it cannot;
 *       {@link dev.wsquota.cluster.MembershipWatcher} purges a member that left.</li>
 *   <li>Managers on other members: {@link dev.wsquota.cluster.RemoteNodes} sends an operation to each member
 *       ({@link dev.wsquota.cluster.OnMember}), which runs it on its own {@link dev.wsquota.cluster.LocalNode};
 *       {@link dev.wsquota.cluster.OperatorActions} is the operator's side and
 *       {@link dev.wsquota.cluster.ClusterMessages} the messages' side.</li>
 *   <li>Every call from a thread Hazelcast does not own goes through
 *       {@link dev.wsquota.cluster.ForeignThreadCalls}; the member itself is started by
 *       {@link dev.wsquota.cluster.HazelcastMember} with {@link dev.wsquota.cluster.ClusterSettings}.</li>
 * </ul>
 */
package dev.wsquota.cluster;
