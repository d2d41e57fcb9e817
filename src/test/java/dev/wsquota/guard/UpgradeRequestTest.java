package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpgradeRequestTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ=="; // the RFC 6455 example: 16 bytes

    private static int status(String method, String protocol, String upgrade, String version, String key) {
        return UpgradeRequest.check(method, protocol, upgrade, version, key).map(UpgradeRequest.Refusal::status)
                .orElse(0);
    }

    @Test
    void aCorrectHandshakeGoesToTheContainer() {
        assertEquals(Optional.empty(), UpgradeRequest.check("GET", "HTTP/1.1", "websocket", "13", KEY));
        assertEquals(0, status("GET", "HTTP/1.1", "WebSocket", " 13 ", " " + KEY + " "));
    }

    @Test
    void aGetWithoutUpgradeGoesToTheContainer() {
        assertEquals(0, status("GET", "HTTP/1.1", null, null, null));
        assertEquals(0, status("GET", "HTTP/1.0", "h2c", null, null));
    }

    @Test
    void anythingButGetIsNotFound() {
        assertEquals(404, status("POST", "HTTP/1.1", "websocket", "13", KEY));
        assertEquals(404, status("PUT", "HTTP/1.1", null, null, null));
        assertEquals("only a WebSocket handshake (GET) is served here, not POST",
                UpgradeRequest.check("POST", "HTTP/1.1", null, null, null).orElseThrow().reason());
    }

    @Test
    void malformedHandshakesAreBadRequests() {
        assertEquals(400, status("GET", "HTTP/1.0", "websocket", "13", KEY));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", "8", KEY));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", null, KEY));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", "13", null));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", "13", "c2hvcnQ="));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", "13", "not base64!"));
        assertEquals(400, status("GET", "HTTP/1.1", "websocket", "13", KEY + KEY));
    }

    @Test
    void theReasonSaysWhatIsExpected() {
        assertEquals("Sec-WebSocket-Version must be 13",
                UpgradeRequest.check("GET", "HTTP/1.1", "websocket", "8", KEY).orElseThrow().reason());
        assertEquals("Sec-WebSocket-Key must be 16 bytes in base64",
                UpgradeRequest.check("GET", "HTTP/1.1", "websocket", "13", "c2hvcnQ=").orElseThrow().reason());
        assertEquals("a WebSocket handshake needs HTTP/1.1, was HTTP/1.0",
                UpgradeRequest.check("GET", "HTTP/1.0", "websocket", "13", KEY).orElseThrow().reason());
    }
}
