/**
 * The quota in plain Java, with no container type. Start at {@link dev.wsquota.quota.ManagerRegistry}: the only
 * place a slot is taken ({@code admit}, {@code tryAdmit}) or given back ({@code release}); every count is the size
 * of its live sets, never a separate counter.
 * <ul>
 *   <li>A connection is a {@link dev.wsquota.quota.Connection} (the container's adapter implements it); the slot it
 *       holds is a {@link dev.wsquota.quota.Manager} in its user's {@link dev.wsquota.quota.UserManagers}. In a
 *       cluster the registry also claims each slot in a {@link dev.wsquota.quota.SlotLedger}
 *       ({@link dev.wsquota.quota.SlotLedger#LOCAL} on a single node).</li>
 *   <li>Admission: {@link dev.wsquota.quota.ProbingAdmission} asks the registry first; at the quota it pings the
 *       user's silent managers in one {@link dev.wsquota.quota.ProbeRound} (and the other nodes' through
 *       {@link dev.wsquota.quota.RemoteProbes}) before the {@link dev.wsquota.quota.OnLimitPolicy} decides. The
 *       answer is an {@link dev.wsquota.quota.Admission}; {@link dev.wsquota.quota.LimitHitReporter} tells the
 *       operator about refusals at most once a second per user.</li>
 *   <li>Periodic: {@link dev.wsquota.quota.PingSweep} (pings, 4002 for no pong, 1001 when idle) and
 *       {@link dev.wsquota.quota.CleanupPass} (closed sessions, and {@link dev.wsquota.quota.DriftCheck} against
 *       the container).</li>
 *   <li>Server-initiated closes all go through the registry's {@link dev.wsquota.quota.ServerCloses}, which
 *       releases first, then tells the peer (the sweep's, cleanup's, a probe's, an operator's, the shutdown's);
 *       {@link dev.wsquota.quota.Drain} spreads a node's closes over a window before a planned stop.</li>
 *   <li>Messages to users: {@link dev.wsquota.quota.LocalMessages} puts them in each manager's bounded
 *       {@link dev.wsquota.quota.Outbox} ({@link dev.wsquota.quota.Outboxes}); a peer too slow to take them is
 *       closed with 4003.</li>
 *   <li>Operator reads: {@link dev.wsquota.quota.QuotaReadings}, {@link dev.wsquota.quota.RegistryCounters},
 *       {@link dev.wsquota.quota.UserView}, {@link dev.wsquota.quota.ManagerView}; settings:
 *       {@link dev.wsquota.quota.Settings}, {@link dev.wsquota.quota.QuotaLimits}.</li>
 * </ul>
 */
package dev.wsquota.quota;
