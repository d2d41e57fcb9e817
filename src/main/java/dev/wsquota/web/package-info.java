/**
 * The WebSocket door. Start at {@link dev.wsquota.web.ManagersEndpoint}, one instance per connection.
 * <p>A handshake, in order: the container authenticates it (web.xml: BASIC or MicroProfile JWT) &rarr;
 * {@link dev.wsquota.web.HandshakeGateFilter}, the only filter on {@code /ws}, runs
 * {@code dev.wsquota.guard.HandshakeGate} (stopping 503, upgrade 400/404, credentials 401, origin 403, rate 429) and
 * holds the {@link dev.wsquota.web.PeerAddress} &rarr; the upgrade: {@link dev.wsquota.web.PlainEndpointConfigurator}
 * creates the endpoint and copies the address &rarr; {@code ManagersEndpoint.onOpen} wraps the session in a
 * {@link dev.wsquota.web.SessionConnection} and asks the factory for admission; the answer is the welcome or a
 * 1013 close.
 * <p>While it lives, text passes the inbound guard and is echoed, or handed to the application's lanes
 * ({@link dev.wsquota.web.InboundRuntime}); every write goes through the connection's queue, and server-side closes
 * run on the {@link dev.wsquota.web.CloseLane}. On close or error the endpoint gives the slot back.
 * <p>Around it: {@link dev.wsquota.web.GuardRuntime} loads the guard settings at start, the gate's filter closes
 * every connection at the stop (1001), {@link dev.wsquota.web.SessionServlet} and
 * {@link dev.wsquota.web.TokenSessionServlet} sign the browser page in, {@link dev.wsquota.web.DrainServlet} drains
 * the node.
 */
package dev.wsquota.web;
