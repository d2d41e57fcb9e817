package dev.wsquota.inbound;

import java.util.Locale;

/** Where a client's text messages go: {@code wsquota.inbound.mode}. */
public enum InboundMode {
    /** Back to the client unchanged (the default, and the README's try-it). */
    ECHO,
    /** To CDI observers of {@link ClientMessage} in the WAR. */
    CDI,
    /** POSTed to {@code wsquota.inbound.forward-url}. */
    FORWARD;

    /** The key's value as written in the configuration. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static InboundMode parse(String key, String value) {
        for (InboundMode mode : values()) {
            if (mode.configValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException(key + " = '" + value + "': must be echo, cdi or forward");
    }
}
