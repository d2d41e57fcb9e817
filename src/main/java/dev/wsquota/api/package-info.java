/**
 * The HTTP API for backends: {@link dev.wsquota.api.MessagesServlet} at {@code /api/*} (publishers only) sends
 * messages to a user, a manager or everyone, lists a user's managers and disconnects them (docs/messages.md). It
 * calls {@code dev.wsquota.ejb.UserMessages} for the sends and the factory's cluster-wide actions for the rest, and
 * audits every call.
 */
package dev.wsquota.api;
