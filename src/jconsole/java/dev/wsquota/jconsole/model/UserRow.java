package dev.wsquota.jconsole.model;

/**
 * One user in the plugin's users table, as read from the MXBean's {@code Users} rows, {@code UserQuotaOverrides}
 * and {@code UserMessages} rows.
 *
 * @param user                    the user id
 * @param active                  live managers now
 * @param quota                   the quota in force (the override when there is one, else the default)
 * @param override                true when the user has their own quota
 * @param oldestManagerAgeSeconds seconds since the user's oldest live manager was admitted
 * @param lastActivitySecondsAgo  seconds since any of the user's peers sent anything
 * @param messagesIn              messages the user's live managers received from their peers
 * @param messagesOut             messages written to the user's live managers' peers
 * @param queuedBytes             bytes waiting in the user's outbound queues now
 */
public record UserRow(String user, int active, int quota, boolean override, long oldestManagerAgeSeconds,
                      long lastActivitySecondsAgo, long messagesIn, long messagesOut, long queuedBytes) {

    /** A row without message counts (none read yet). */
    public UserRow(String user, int active, int quota, boolean override, long oldestManagerAgeSeconds,
                   long lastActivitySecondsAgo) {
        this(user, active, quota, override, oldestManagerAgeSeconds, lastActivitySecondsAgo, 0, 0, 0);
    }

    /** At (or above, after a lowered quota) the quota: the next connection of this user is refused or evicts. */
    public boolean atQuota() {
        return active >= quota;
    }
}
