package dev.wsquota.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims this member asked for recently, by user and manager, with when each was asked: a renewal keeps their
 * slots though no connection lists them yet. Keyed by plain strings, never by a record: on Java 17 the first
 * {@code equals} of a record leaves the record's class in a JDK-wide method-handle cache, which kept an undeployed
 * version of the application loaded (docs/operations.md, "Records on Java 17").
 */
final class RecentClaims {

    /** user -> manager id -> when the claim was asked; each user's map is changed only inside {@code compute}. */
    private final Map<String, Map<String, Long>> byUser = new ConcurrentHashMap<>();

    void note(String user, String managerId, long askedAtMillis) {
        byUser.compute(user, (u, claims) -> {
            Map<String, Long> kept = claims == null ? new HashMap<>() : claims;
            kept.put(managerId, askedAtMillis);
            return kept;
        });
    }

    void forget(String user, String managerId) {
        byUser.computeIfPresent(user, (u, claims) -> {
            claims.remove(managerId);
            return claims.isEmpty() ? null : claims;
        });
    }

    /** The claims asked at or after {@code sinceMillis}, by user; older ones are forgotten here. */
    Map<String, Set<String>> since(long sinceMillis) {
        Map<String, Set<String>> recent = new HashMap<>();
        for (String user : byUser.keySet()) {
            byUser.computeIfPresent(user, (u, claims) -> {
                claims.values().removeIf(askedAt -> askedAt < sinceMillis);
                if (claims.isEmpty()) {
                    return null;
                }
                recent.put(u, new HashSet<>(claims.keySet()));
                return claims;
            });
        }
        return recent;
    }
}
