package dev.wsquota.jconsole.model;

/**
 * One user in the plugin's users table, as read from the MXBean's {@code Users} rows and {@code UserQuotaOverrides}.
 *
 * @param user                    the user id
 * @param active                  live managers now
 * @param quota                   the quota in force (the override when there is one, else the default)
 * @param override                true when the user has their own quota
 * @param oldestManagerAgeSeconds seconds since the user's oldest live manager was admitted
 * @param lastActivitySecondsAgo  seconds since any of the user's peers sent anything
 */
public record UserRow(String user, int active, int quota, boolean override, long oldestManagerAgeSeconds,
                      long lastActivitySecondsAgo) {

    /** At (or above, after a lowered quota) the quota: the next connection of this user is refused or evicts. */
    public boolean atQuota() {
        return active >= quota;
    }
}
