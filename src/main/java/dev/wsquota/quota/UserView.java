package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;

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

    /** One row per user holding at least one manager, sorted by user. */
    public static List<UserView> rows(ManagerRegistry registry) {
        long now = registry.now();
        List<UserView> rows = new ArrayList<>();
        for (String user : registry.users()) {
            List<Manager> mine = registry.managersOf(user);
            if (mine.isEmpty()) {
                continue; // left between the two reads
            }
            long oldest = mine.stream().mapToLong(Manager::openedAtMillis).min().orElse(now);
            long lastActivity = mine.stream().mapToLong(Manager::lastActivityMillis).max().orElse(now);
            rows.add(new UserView(user, mine.size(), registry.limits().limitFor(user), Math.max(0, now - oldest) / 1000,
                    Math.max(0, now - lastActivity) / 1000));
        }
        return rows;
    }
}
