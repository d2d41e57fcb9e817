package dev.wsquota.inbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code wsquota.inbound.*} keys as applied. A bad value fails the load with a message naming the key, so the
 * deployment stops instead of silently echoing.
 *
 * @param maxInFlight     messages one manager may have waiting or running at once; one more gets an error frame
 * @param threads         the handlers' own threads (observers and forward calls), apart from the server's shared pool
 * @param forwardUrl      where {@link InboundMode#FORWARD} POSTs; present exactly in that mode
 * @param forwardSecret   sent as {@value #SECRET_HEADER} when present
 * @param forwardLifecycle whether opened and closed are POSTed too (best effort)
 */
public record InboundSettings(InboundMode mode, int maxInFlight, int threads, Optional<URI> forwardUrl,
                              int forwardTimeoutMillis, Optional<String> forwardSecret, boolean forwardLifecycle) {

    public static final String MODE = "wsquota.inbound.mode";
    public static final String MAX_IN_FLIGHT = "wsquota.inbound.max-in-flight";
    public static final String THREADS = "wsquota.inbound.threads";
    public static final String FORWARD_URL = "wsquota.inbound.forward-url";
    public static final String FORWARD_TIMEOUT = "wsquota.inbound.forward-timeout-millis";
    public static final String FORWARD_SECRET = "wsquota.inbound.forward-secret";
    public static final String FORWARD_LIFECYCLE = "wsquota.inbound.forward-lifecycle";
    /** The header that carries {@code wsquota.inbound.forward-secret} to the backend. */
    public static final String SECRET_HEADER = "X-Wsquota-Secret";

    /** Echo, 16 in flight, a 5 s forward timeout: what an empty configuration means. */
    public static final InboundSettings DEFAULTS = new InboundSettings(InboundMode.ECHO, 16, 32, Optional.empty(),
            5_000, Optional.empty(), false);

    public static InboundSettings load(Function<String, Optional<String>> config) {
        InboundMode mode = config.apply(MODE).map(value -> InboundMode.parse(MODE, value)).orElse(DEFAULTS.mode);
        int maxInFlight = integer(config, MAX_IN_FLIGHT, DEFAULTS.maxInFlight, 1, 10_000);
        int threads = integer(config, THREADS, DEFAULTS.threads, 1, 1_000);
        int timeout = integer(config, FORWARD_TIMEOUT, DEFAULTS.forwardTimeoutMillis, 1, 300_000);
        Optional<URI> url = config.apply(FORWARD_URL).map(String::trim).filter(value -> !value.isEmpty())
                .map(InboundSettings::url);
        if (mode == InboundMode.FORWARD && url.isEmpty()) {
            throw new IllegalArgumentException(MODE + " = forward needs " + FORWARD_URL + " (an http or https URL)");
        }
        Optional<String> secret = config.apply(FORWARD_SECRET).filter(value -> !value.isEmpty());
        secret.ifPresent(InboundSettings::checkHeaderValue);
        boolean lifecycle = config.apply(FORWARD_LIFECYCLE).map(value -> bool(FORWARD_LIFECYCLE, value))
                .orElse(DEFAULTS.forwardLifecycle);
        return new InboundSettings(mode, maxInFlight, threads, mode == InboundMode.FORWARD ? url : Optional.empty(),
                timeout,
                secret, lifecycle);
    }

    private static int integer(Function<String, Optional<String>> config, String key, int fallback, int min, int max) {
        Optional<String> text = config.apply(key);
        if (text.isEmpty()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + text.get() + "': not a whole number", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " = " + value + ": must be " + min + " to " + max);
        }
        return value;
    }

    private static URI url(String text) {
        try {
            URI uri = new URI(text);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(FORWARD_URL + " = '" + text + "': must be an http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(FORWARD_URL + " = '" + text + "': not a URL (" + e.getMessage() + ")",
                    e);
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " = '" + value + "': must be true or false");
        };
    }

    /** A header value may not carry line breaks or other control characters (the JDK client would refuse it later). */
    private static void checkHeaderValue(String secret) {
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(FORWARD_SECRET + ": control characters are not allowed in a header");
            }
        }
    }

    /** For the log: everything but the secret's value. */
    @Override
    public String toString() {
        return "mode=" + mode.configValue() + ", max in flight=" + maxInFlight + ", threads=" + threads
                + forwardUrl.map(uri -> ", forward to " + uri + " (timeout " + forwardTimeoutMillis + " ms, secret "
                + (forwardSecret.isPresent() ? "set" : "not set") + ", lifecycle " + forwardLifecycle + ")").orElse("");
    }
}
