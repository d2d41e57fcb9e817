package dev.wsquota.jconsole.model;

/**
 * One notification of the MXBean as the tab lists it.
 *
 * @param timeMillis when the server sent it
 * @param type       e.g. wsquota.limit.hit
 * @param message    the notification's message
 */
public record Event(long timeMillis, String type, String message) {
}
