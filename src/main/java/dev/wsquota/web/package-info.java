/** The WebSocket door: the endpoint at /ws, its origin filter and the adapter from a container session to a quota connection. */
package dev.wsquota.web;
