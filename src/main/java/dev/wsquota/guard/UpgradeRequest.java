package dev.wsquota.guard;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The RFC 6455 rules a WebSocket handshake must meet, checked by the application so every server refuses the
 * same requests the same way: Liberty answers 400 by itself, WildFly (Undertow) upgrades a POST, an HTTP/1.0
 * request, a short key or the old version 8, and answers 404 to a missing key.
 */
public final class UpgradeRequest {

    /** The only protocol version RFC 6455 defines. */
    public static final String VERSION = "13";

    /** Why a request is refused, and with which HTTP status. */
    public record Refusal(int status, String reason) {
    }

    private UpgradeRequest() {
    }

    /**
     * The refusal for a request to the endpoint's path, or empty when the container may handle it. Anything but
     * GET is not found (nothing else lives there); a GET that asks for a WebSocket upgrade must be a correct one.
     *
     * @param upgrade the Upgrade header, or null
     * @param version the Sec-WebSocket-Version header, or null
     * @param key     the Sec-WebSocket-Key header, or null
     */
    public static Optional<Refusal> check(String method, String protocol, String upgrade, String version, String key) {
        if (!"GET".equals(method)) {
            return Optional.of(new Refusal(404, "only a WebSocket handshake (GET) is served here, not " + method));
        }
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            return Optional.empty();
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return Optional.of(new Refusal(400, "a WebSocket handshake needs HTTP/1.1, was " + protocol));
        }
        if (version == null || !VERSION.equals(version.trim())) {
            return Optional.of(new Refusal(400, "Sec-WebSocket-Version must be " + VERSION));
        }
        if (!isSixteenBytesOfBase64(key)) {
            return Optional.of(new Refusal(400, "Sec-WebSocket-Key must be 16 bytes in base64"));
        }
        return Optional.empty();
    }

    private static boolean isSixteenBytesOfBase64(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException notBase64) {
            return false; // the refusal says what was expected
        }
    }
}
