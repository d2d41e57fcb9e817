/**
 * What a manager's client sends, on its way to the application. Start at {@link dev.wsquota.inbound.InboundLanes}:
 * the endpoint opens one lane per admitted manager and hands it each message; the lane carries the events off the
 * WebSocket read threads, ordered and bounded per manager.
 * <ul>
 *   <li>The events application code observes: {@link dev.wsquota.inbound.ManagerOpened},
 *       {@link dev.wsquota.inbound.ClientMessage}, {@link dev.wsquota.inbound.ManagerClosed}.</li>
 *   <li>Where the lanes hand them ({@link dev.wsquota.inbound.InboundHandler}, chosen by
 *       {@link dev.wsquota.inbound.InboundMode}): CDI observers in the WAR ({@link dev.wsquota.inbound.CdiHandler},
 *       the only container adapter here) or an HTTP POST to a backend ({@link dev.wsquota.inbound.ForwardHandler}).
 *   </li>
 *   <li>Replies and error frames go back through {@link dev.wsquota.inbound.ManagerOutbox}, in the product the
 *       managers' outbound queues ({@link dev.wsquota.inbound.QueuedReplies}).</li>
 * </ul>
 */
package dev.wsquota.inbound;
