package dev.wsquota.quota;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quotas in force: a default per user, per-user overrides and a cap on all managers; changeable at runtime,
 * validated on every write.
 */
public final class QuotaLimits {

    /** The largest quota accepted per user or in total; anything above is a typo, not a plan. */
    public static final int MAX_QUOTA = 1_000_000;

    private volatile int maxPerUser;
    private volatile int maxTotal;
    private final Map<String, Integer> overrides;

    public QuotaLimits(int maxPerUser, int maxTotal) {
        this(maxPerUser, maxTotal, new ConcurrentHashMap<>());
    }

    /** With the per-user overrides kept in {@code overrides}: in a cluster, a map every member shares. */
    public QuotaLimits(int maxPerUser, int maxTotal, Map<String, Integer> overrides) {
        this.maxPerUser = checkQuota("MaxManagersPerUser", maxPerUser);
        this.maxTotal = checkQuota("MaxManagersTotal", maxTotal);
        this.overrides = overrides;
    }

    /** Refuses a quota outside [1, {@value #MAX_QUOTA}] with a message that says what is allowed. */
    public static int checkQuota(String what, int value) {
        if (value < 1 || value > MAX_QUOTA) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_QUOTA + ", was " + value);
        }
        return value;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    public void setMaxPerUser(int value) {
        maxPerUser = checkQuota("MaxManagersPerUser", value);
    }

    public int maxTotal() {
        return maxTotal;
    }

    public void setMaxTotal(int value) {
        maxTotal = checkQuota("MaxManagersTotal", value);
    }

    /** The quota of one user: the override if there is one, else the default. */
    public int limitFor(String user) {
        Integer override = overrides.get(user);
        return override != null ? override : maxPerUser;
    }

    /** Sets a per-user override; returns the previous override or null. */
    public Integer setOverride(String user, int value) {
        UserIds.check(user);
        return overrides.put(user, checkQuota("quota of a user", value));
    }

    /** Removes a per-user override; returns the removed value or null. */
    public Integer clearOverride(String user) {
        UserIds.check(user);
        return overrides.remove(user);
    }

    /** A sorted copy of the overrides. */
    public Map<String, Integer> overrides() {
        return new TreeMap<>(overrides);
    }
}
