/** Gatling load of the WebSocket handshake and admission, managed endpoint against the bare one. */
package dev.wsquota.bench.gatling;
