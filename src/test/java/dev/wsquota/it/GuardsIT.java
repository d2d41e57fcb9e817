package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.GuardAdmin;
import dev.wsquota.jmx.GuardMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guards every server must apply the same way, with BASIC users: the Origin policy, the per-connection
 * limits (assembled size, binary, invalid UTF-8, rate) and malformed upgrade requests. Each refusal leaves the
 * quota as it was. The full hostile-input catalogue, with Liberty's own answers, is HostileInputIT.
 */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GuardsIT extends RawHandshakeItBase {

    private static final int LIMIT = 65_536;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("guards");
    }

    private static GuardMXBean guard;

    @BeforeAll
    static void connectGuard() throws IOException {
        guard = JMX.newMXBeanProxy(jmx.connection(), GuardAdmin.OBJECT_NAME, GuardMXBean.class);
    }

    private RawWs raw(String method, String version, Map<String, String> headers) throws IOException {
        return kept(RawWs.handshake(method, "/ws", version, headers));
    }

    private RawWs admittedAlice() throws IOException {
        RawWs ws = raw("GET", "HTTP/1.1", RawWs.basicHandshake("alice", WsClient.PASSWORD));
        assertEquals(101, ws.status());
        assertTrue(ws.readText().contains("\"user\":\"alice\""));
        return ws;
    }

    private void assertRefused(int status, String method, String version,
            Map<String, String> headers) throws IOException {
        assertEquals(status, raw(method, version, headers).status(), "handshake status");
        assertNeverAdmitted();
    }

    private static Map<String, String> alice(String header, String value) {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put(header, value);
        return headers;
    }

    private static void assertClosed(int code, String reason, RawWs.Close close) {
        assertEquals(code, close.code(), "close code (reason: " + close.reason() + ")");
        if (reason != null) {
            assertEquals(reason, close.reason());
        }
    }

    @Test
    void aForeignOriginIsRefusedWith403AndCounted() throws Exception {
        long before = guard.getRefusals().get("ORIGIN");
        assertRefused(403, "GET", "HTTP/1.1", alice("Origin", "https://evil.example"));
        assertRefused(403, "GET", "HTTP/1.1", alice("Origin", "null"));
        assertRefused(403, "GET", "HTTP/1.1", alice("Origin", "http://" + RawWs.host() + ".evil.example"));
        assertEquals(before + 3, guard.getRefusals().get("ORIGIN"));
        RawWs sameHost = raw("GET", "HTTP/1.1", alice("Origin", "http://" + RawWs.host()));
        assertEquals(101, sameHost.status());
        assertTrue(sameHost.readText().contains("\"user\":\"alice\""));
    }

    @Test
    void aTextOverTheLimitClosesWith1009EvenWhenFragmented() throws Exception {
        RawWs ws = admittedAlice();
        String atLimit = "a".repeat(LIMIT);
        ws.sendText(atLimit);
        assertEquals(atLimit, ws.readText());
        byte[] fragment = "f".repeat(16_384).getBytes(StandardCharsets.US_ASCII);
        ws.sendFrame(RawWs.TEXT, false, fragment, true);
        for (int i = 0; i < 3; i++) {
            ws.sendFrame(RawWs.CONTINUATION, false, fragment, true);
        }
        ws.sendFrame(RawWs.CONTINUATION, true, fragment, true);
        assertClosed(1009, "message too big: more than 65536 bytes", ws.awaitClose());
    }

    @Test
    void aBinaryMessageClosesWith1003() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.BINARY, true, new byte[] {0, 1, 2, 3}, true);
        assertClosed(1003, "binary messages are not supported, send text", ws.awaitClose());
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.TEXT, true, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF}, true);
        assertClosed(1007, null, ws.awaitClose());
    }

    @Test
    void aFloodOverTheRateClosesWith1008() throws Exception {
        RawWs ws = admittedAlice();
        for (int i = 0; i < 60; i++) {
            ws.sendText("m" + i);
        }
        RawWs.Close close = ws.awaitClose();
        assertClosed(1008, "rate limit: more than 50 messages per second", close);
        assertTrue(close.textsBefore().size() >= 50 && close.textsBefore().size() < 60, "echoed: " + close.textsBefore()
                .size());
    }

    @Test
    void anUnmaskedFrameClosesWith1002() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.TEXT, true, "naked".getBytes(StandardCharsets.US_ASCII), false);
        assertClosed(1002, null, ws.awaitClose());
    }

    @Test
    void malformedUpgradesAreRefusedWith400() throws Exception {
        assertRefused(400, "GET", "HTTP/1.1", alice("Sec-WebSocket-Key", null));
        assertRefused(400, "GET", "HTTP/1.1", alice("Sec-WebSocket-Key", "c2hvcnQ="));
        assertRefused(400, "GET", "HTTP/1.1", alice("Sec-WebSocket-Version", "8"));
        assertRefused(400, "GET", "HTTP/1.0", RawWs.basicHandshake("alice", WsClient.PASSWORD));
        assertRefused(400, "GET", "HTTP/1.1", alice("X-Padding", "p".repeat(65_536)));
    }

    @Test
    void requestsThatAreNotUpgradesAreNotFound() throws Exception {
        Map<String, String> post = new HashMap<>(RawWs.basicHandshake("alice", WsClient.PASSWORD));
        post.put("Content-Length", "0");
        assertRefused(404, "POST", "HTTP/1.1", post);
        Map<String, String> plain = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        plain.put("Upgrade", null);
        plain.put("Connection", null);
        assertRefused(404, "GET", "HTTP/1.1", plain);
    }
}
