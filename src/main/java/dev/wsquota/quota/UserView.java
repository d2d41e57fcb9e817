package dev.wsquota.quota;

/**
 * One row of the operator's Users table.
 *
 * @param user                     the user id
 * @param active                   live managers
 * @param quota                    the user's quota (override or default)
 * @param oldestManagerAgeSeconds  seconds since the oldest live manager was admitted
 * @param lastActivitySecondsAgo   seconds since any of the user's peers last sent anything
 */
public record UserView(String user, int active, int quota, long oldestManagerAgeSeconds, long lastActivitySecondsAgo) {
}
