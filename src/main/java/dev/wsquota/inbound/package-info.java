/**
 * What a manager's client sends, on its way to the application: the events application code observes
 * ({@link dev.wsquota.inbound.ClientMessage}, {@link dev.wsquota.inbound.ManagerOpened},
 * {@link dev.wsquota.inbound.ManagerClosed}), the per-manager ordered and bounded lanes that carry them off the
 * WebSocket read threads ({@link dev.wsquota.inbound.InboundLanes}), and the two ways they reach the application:
 * CDI events in the WAR, or an HTTP POST to a backend. Plain Java except the thin CDI adapter.
 */
package dev.wsquota.inbound;
