package dev.wsquota.quota;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What happens to a new connection of a user whose live managers already fill the quota. */
public enum OnLimitPolicy {
    /** The new connection is closed with 1013 (Try Again Later). */
    REJECT("reject"),
    /** The user's oldest manager is closed with 4001 and the new connection takes its slot. */
    EVICT_OLDEST("evict-oldest");

    private final String key;

    OnLimitPolicy(String key) {
        this.key = key;
    }

    /** The configuration spelling: {@code reject} or {@code evict-oldest}. */
    public String key() {
        return key;
    }

    /** Parses the configuration spelling; refuses anything else with the allowed values. */
    public static OnLimitPolicy parse(String value) {
        return parse("on-limit policy", value);
    }

    /** Parses the configuration spelling; the refusal names {@code what} (a config key, or the attribute). */
    public static OnLimitPolicy parse(String what, String value) {
        for (OnLimitPolicy policy : values()) {
            if (policy.key.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return policy;
            }
        }
        throw new IllegalArgumentException(what + " must be one of "
                + Arrays.stream(values()).map(OnLimitPolicy::key).collect(Collectors.joining(", ")) + ", was '" + value
                        + "'");
    }
}
