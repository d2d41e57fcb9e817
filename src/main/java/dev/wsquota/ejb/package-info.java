/**
 * The container's side of the quota: startup beans that hold the registry under container locks and run its
 * timers. Start at {@link dev.wsquota.ejb.ManagerFactory}, the one door to the registry: the endpoint asks it for
 * admission ({@code requestAdmission}) and fetches its {@code releaser()} once; the MXBeans, the health checks and
 * the servlets call it for everything else.
 * <p>Startup order (from the {@code @DependsOn}s): {@link dev.wsquota.ejb.ClusterNode} (joins the cluster, or does
 * nothing on a single node) &rarr; {@link dev.wsquota.ejb.ManagerFactory} (builds the registry, the probing
 * admission, cleanup and the drain; runs the cleanup timer) &rarr; {@link dev.wsquota.ejb.PingSweepTimer} &rarr;
 * {@link dev.wsquota.ejb.TimerWatchdog} (re-creates a missing timer) &rarr; the MXBean registrations in
 * {@code dev.wsquota.jmx}. Both timers are an {@link dev.wsquota.ejb.IntervalTimer}.
 * <p>{@link dev.wsquota.ejb.UserMessages} is for application code in the WAR: inject it to send messages to users.
 */
package dev.wsquota.ejb;
