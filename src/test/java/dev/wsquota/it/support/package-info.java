/**
 * What the integration tests drive the server with: WebSocket clients ({@link dev.wsquota.it.support.WsClient},
 * {@link dev.wsquota.it.support.RawWs}), JMX and HTTP readers, the archives, the cluster's second node, and
 * in-container probes.
 */
package dev.wsquota.it.support;
