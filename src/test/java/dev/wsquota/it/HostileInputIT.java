package dev.wsquota.it;

import dev.wsquota.jmx.GuardAdmin;
import dev.wsquota.jmx.GuardMXBean;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.JMX;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input catalogue (issue 4): every case names its input and the outcome it must get
 * (HTTP status of the handshake, or the close code of the connection), and checks that nothing was
 * counted for a refused handshake and that a closed connection gave its slot back.
 *
 * <p>Before the first case, other users ("bystanders") open connections; after each case no one else's
 * managers exist; after the last case every bystander connection is still open, still echoes, and
 * {@code UserManagerCounts} equals exactly the bystanders' open connections.
 */
// Liberty-only (not tagged "portable"): BASIC and JWT in one deployment (Liberty's mpJwt authFilters), Liberty's
// own answers (401 for a line break in a upn) and its messages.log. The portable parts are GuardsIT and JwtIT.
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final int LIMIT = 65_536;
    private static final String JWT_BYSTANDER = "erin@idp.test";

    @Deployment(testable = false)
    static WebArchive deployment() {
        // The server trusts the key pair this test run generated: MicroProfile Config in a library jar.
        JavaArchive jwtConfig = ShrinkWrap.create(JavaArchive.class, "test-jwt-config.jar")
                .addAsManifestResource(new StringAsset(Jwt.mpConfig()), "microprofile-config.properties");
        return Deployments.product("hostile").addAsLibrary(jwtConfig);
    }

    private static JmxClient jmx;
    private static ManagerFactoryMXBean factory;
    private static GuardMXBean guard;
    private static final List<WsClient> basicBystanders = new ArrayList<>();
    private static final List<RawWs> jwtBystanders = new ArrayList<>();
    private static int bystanderConnections;

    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void bystandersConnectFirst() throws Exception {
        jmx = JmxClient.connect();
        factory = jmx.factory();
        guard = JMX.newMXBeanProxy(jmx.connection(), GuardAdmin.OBJECT_NAME, GuardMXBean.class);
        basicBystanders.add(WsClient.open("bob"));
        basicBystanders.add(WsClient.open("bob"));
        basicBystanders.add(WsClient.open("carol"));
        for (WsClient client : basicBystanders) {
            assertTrue(client.admitted());
        }
        for (int i = 0; i < 2; i++) {
            RawWs ws = RawWs.handshake(RawWs.bearerHandshake(Jwt.valid(JWT_BYSTANDER)));
            assertEquals(101, ws.status());
            assertTrue(ws.readText().contains("\"user\":\"" + JWT_BYSTANDER + "\""));
            jwtBystanders.add(ws);
        }
        bystanderConnections = basicBystanders.size() + jwtBystanders.size();
        assertEquals(Map.of("bob", 2, "carol", 1, JWT_BYSTANDER, 2), factory.getUserManagerCounts());
    }

    @AfterAll
    static void bystandersLeave() throws Exception {
        WsClient.closeAll(basicBystanders);
        for (RawWs ws : jwtBystanders) {
            ws.close();
        }
        if (jmx != null) {
            jmx.close();
        }
    }

    private long admissionsBefore;

    @BeforeEach
    void rememberAdmissions() {
        admissionsBefore = factory.getAdmissions();
    }

    /** After every case: nothing of the case is left, and only the bystanders hold managers. */
    @AfterEach
    void onlyTheBystandersRemain() throws Exception {
        for (AutoCloseable resource : opened) {
            resource.close();
        }
        Await.until("only the bystanders' managers left", Duration.ofSeconds(15), factory::getUserManagerCounts,
                counts -> counts.equals(Map.of("bob", 2, "carol", 1, JWT_BYSTANDER, 2)));
    }

    private RawWs raw(Map<String, String> headers) throws IOException {
        RawWs ws = RawWs.handshake(headers);
        opened.add(ws);
        return ws;
    }

    private RawWs raw(String method, String target, String version, Map<String, String> headers) throws IOException {
        RawWs ws = RawWs.handshake(method, target, version, headers);
        opened.add(ws);
        return ws;
    }

    /** A refused handshake: the status, and no admission happened. */
    private void assertRefused(int status, Map<String, String> headers) throws IOException {
        RawWs ws = raw(headers);
        assertEquals(status, ws.status(), "handshake status");
        assertNotCounted();
    }

    private void assertNotCounted() {
        assertEquals(admissionsBefore, factory.getAdmissions(), "a refused handshake must never be admitted");
    }

    /** An admitted raw connection: status 101 and the welcome, whose user is returned. */
    private static String welcomedUser(RawWs ws) throws IOException {
        assertEquals(101, ws.status(), "handshake status");
        String welcome = ws.readText();
        Matcher user = Pattern.compile("\"user\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(welcome);
        assertTrue(welcome.startsWith("{\"type\":\"welcome\"") && user.find(), welcome);
        return user.group(1);
    }

    private RawWs admittedAlice() throws IOException {
        RawWs ws = raw(RawWs.basicHandshake("alice", WsClient.PASSWORD));
        assertEquals("alice", welcomedUser(ws));
        return ws;
    }

    private static void assertClosedWith(int code, RawWs.Close close) {
        assertEquals(code, close.code(), "close code (reason: " + close.reason() + ")");
    }

    private static int count(String user) {
        return factory.getUserManagerCounts().getOrDefault(user, 0);
    }

    // ---------------------------------------------------------------- identity: BASIC and forged users

    @Test
    @Order(1)
    @DisplayName("H01 no credentials -> 401")
    void noCredentials() throws Exception {
        assertRefused(401, RawWs.handshakeWithoutCredentials());
    }

    @Test
    @Order(2)
    @DisplayName("H02 wrong password -> 401")
    void wrongPassword() throws Exception {
        assertRefused(401, RawWs.basicHandshake("alice", "not-the-password"));
    }

    @Test
    @Order(3)
    @DisplayName("H03 unknown user -> 401")
    void unknownUser() throws Exception {
        assertRefused(401, RawWs.basicHandshake("mallory", WsClient.PASSWORD));
    }

    @Test
    @Order(4)
    @DisplayName("H04 garbage Basic credentials -> 401")
    void garbageBasic() throws Exception {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Authorization", "Basic %%%not-base64%%%");
        assertRefused(401, headers);
    }

    @Test
    @Order(5)
    @DisplayName("H05 forged user in the query (?user=bob) -> admitted as alice, bob's count unchanged")
    void forgedUserInQuery() throws Exception {
        RawWs ws = raw("GET", "/ws?user=bob&principal=bob&upn=bob", "HTTP/1.1", RawWs.basicHandshake("alice", WsClient.PASSWORD));
        assertEquals("alice", welcomedUser(ws));
        assertEquals(1, count("alice"));
        assertEquals(2, count("bob"));
    }

    @Test
    @Order(6)
    @DisplayName("H06 forged user in headers (X-User, X-Forwarded-User, X-Remote-User, Remote-User) -> admitted as alice")
    void forgedUserInHeaders() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        for (String name : List.of("X-User", "X-Forwarded-User", "X-Remote-User", "Remote-User", "X-Wsquota-User", "$WSRU")) {
            headers.put(name, "bob");
        }
        RawWs ws = raw(headers);
        assertEquals("alice", welcomedUser(ws));
        assertEquals(1, count("alice"));
        assertEquals(2, count("bob"));
    }

    @Test
    @Order(7)
    @DisplayName("H07 forged user as subprotocol (Sec-WebSocket-Protocol: bob) -> admitted as alice, no subprotocol chosen")
    void forgedUserAsSubprotocol() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Sec-WebSocket-Protocol", "bob, user.bob");
        RawWs ws = raw(headers);
        assertEquals("alice", welcomedUser(ws));
        assertNull(ws.responseHeader("Sec-WebSocket-Protocol"));
        assertEquals(2, count("bob"));
    }

    // ---------------------------------------------------------------- identity: MicroProfile JWT

    @Test
    @Order(10)
    @DisplayName("J01 valid JWT in the Authorization header -> admitted as its upn (control)")
    void validBearer() throws Exception {
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid("frank@idp.test")));
        assertEquals("frank@idp.test", welcomedUser(ws));
        assertEquals("frank's text", echo(ws, "frank's text"));
        assertEquals(1, count("frank@idp.test"));
    }

    @Test
    @Order(11)
    @DisplayName("J02 valid JWT in the wsquota-jwt cookie (browser) -> admitted as its upn (control)")
    void validCookie() throws Exception {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Cookie", "theme=dark; wsquota-jwt=" + Jwt.valid("grace@idp.test"));
        RawWs ws = raw(headers);
        assertEquals("grace@idp.test", welcomedUser(ws));
        assertEquals(1, count("grace@idp.test"));
    }

    @Test
    @Order(12)
    @DisplayName("J03 expired JWT -> 401")
    void expiredJwt() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.expired("frank@idp.test")));
    }

    @Test
    @Order(13)
    @DisplayName("J04 unsigned JWT (alg none) -> 401")
    void unsignedJwt() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.unsigned("frank@idp.test")));
    }

    @Test
    @Order(14)
    @DisplayName("J05 JWT signed with an unknown key -> 401")
    void wrongKeyJwt() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.wrongKey("frank@idp.test")));
    }

    @Test
    @Order(15)
    @DisplayName("J06 JWT from the wrong issuer -> 401")
    void wrongIssuerJwt() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.wrongIssuer("frank@idp.test")));
    }

    @Test
    @Order(16)
    @DisplayName("J07 JWT whose payload was changed to name bob after signing -> 401")
    void tamperedJwt() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.tampered("frank@idp.test", "bob")));
    }

    @Test
    @Order(17)
    @DisplayName("J08 garbage bearer token -> 401")
    void garbageBearer() throws Exception {
        assertRefused(401, RawWs.bearerHandshake("not.a.jwt"));
    }

    @Test
    @Order(18)
    @DisplayName("J09 expired JWT in the cookie -> 401")
    void expiredCookie() throws Exception {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Cookie", "wsquota-jwt=" + Jwt.expired("grace@idp.test"));
        assertRefused(401, headers);
    }

    @Test
    @Order(19)
    @DisplayName("J10 JWT without exp -> 401")
    void jwtWithoutExpiry() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.withoutExpiry("frank@idp.test")));
    }

    @Test
    @Order(20)
    @DisplayName("J11 wrong-key JWT in the cookie plus valid BASIC credentials -> 401 (the cookie decides, no fallback)")
    void badCookieWithBasic() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Cookie", "wsquota-jwt=" + Jwt.wrongKey("alice"));
        assertRefused(401, headers);
    }

    @Test
    @Order(21)
    @DisplayName("J12 Bearer header and JWT cookie together (two identities) -> 401")
    void bearerAndCookieTogether() throws Exception {
        Map<String, String> headers = RawWs.bearerHandshake(Jwt.valid("frank@idp.test"));
        headers.put("Cookie", "wsquota-jwt=" + Jwt.valid("grace@idp.test"));
        assertRefused(401, headers);
    }

    // ---------------------------------------------------------------- identity hygiene

    @Test
    @Order(30)
    @DisplayName("I01 upn with control characters, , = * : quotes -> admitted as data; JMX shows it exactly; logs escape it")
    void hostileUserIdIsData() throws Exception {
        String hostile = "eve\t\u001b[2J\u007f[INFO] FORGED-LOG-LINE user=root,type=ManagerFactory,name=*:\"q\"'s'\u0000";
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid(hostile)));
        assertEquals(101, ws.status());
        ws.readText();
        Map<String, Integer> counts = factory.getUserManagerCounts();
        assertEquals(1, counts.get(hostile), "the JMX table shows the id exactly: " + counts.keySet());
        assertEquals(2, count("bob"));
        // Make the server log a line about this connection, then look at the log.
        ws.sendFrame(RawWs.BINARY, true, new byte[] {1}, true);
        assertClosedWith(1003, ws.awaitClose());
        Path log = Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"), "logs", "messages.log");
        String text = Await.until("the log line about the hostile id", Duration.ofSeconds(10), () -> read(log),
                content -> content.contains("FORGED-LOG-LINE"));
        assertTrue(text.contains("eve\\u0009\\u001b[2J\\u007f[INFO] FORGED-LOG-LINE user=root"),
                "control characters are escaped in the log");
        assertFalse(text.chars().anyMatch(c -> c == 0x1b || c == 0x7f || c == 0),
                "no raw ESC, DEL or NUL reached the log");
        assertTrue(jmx.connection().queryNames(null, null).stream()
                        .filter(name -> name.getDomain().equals("dev.wsquota"))
                        .allMatch(name -> name.equals(GuardAdmin.OBJECT_NAME)
                                || name.getCanonicalName().equals("dev.wsquota:type=ManagerFactory")),
                "no MBean name was built from a user id");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    @Test
    @Order(31)
    @DisplayName("I02 upn of 10 KB -> closed 1008 'user id not accepted', never counted")
    void tenKilobyteUserId() throws Exception {
        long before = guard.getRefusals().get("USER_ID");
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid("u".repeat(10_240))));
        assertEquals(101, ws.status(), "the token is valid; the id is refused by the endpoint");
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1008, close);
        assertEquals("user id not accepted", close.reason());
        assertTrue(close.textsBefore().isEmpty(), "no welcome");
        assertNotCounted();
        assertEquals(before + 1, guard.getRefusals().get("USER_ID"));
    }

    @Test
    @Order(32)
    @DisplayName("I03 blank upn (three spaces) -> closed 1008, never counted")
    void blankUserId() throws Exception {
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid("   ")));
        assertEquals(101, ws.status());
        assertClosedWith(1008, ws.awaitClose());
        assertNotCounted();
    }

    @Test
    @Order(33)
    @DisplayName("I04 upn with a line break (bob\\nx, bob\\u2028x) -> 401 (Liberty refuses it), bob untouched")
    void lineBreakInUserId() throws Exception {
        assertRefused(401, RawWs.bearerHandshake(Jwt.valid("bob\nx")));
        assertRefused(401, RawWs.bearerHandshake(Jwt.valid("bob\u2028x")));
        assertEquals(2, count("bob"));
    }

    // ---------------------------------------------------------------- origin allow-list (default: same host)

    @Test
    @Order(40)
    @DisplayName("O01 foreign Origin with valid credentials -> 403")
    void foreignOrigin() throws Exception {
        long before = guard.getRefusals().get("ORIGIN");
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Origin", "https://evil.example");
        assertRefused(403, headers);
        assertEquals(before + 1, guard.getRefusals().get("ORIGIN"));
    }

    @Test
    @Order(41)
    @DisplayName("O02 Origin: null -> 403")
    void nullOrigin() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Origin", "null");
        assertRefused(403, headers);
    }

    @Test
    @Order(42)
    @DisplayName("O03 look-alike Origin (http://127.0.0.1:port.evil.example) -> 403")
    void lookAlikeOrigin() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Origin", "http://" + RawWs.host() + ".evil.example");
        assertRefused(403, headers);
    }

    @Test
    @Order(43)
    @DisplayName("O04 foreign Origin with a valid JWT cookie (cross-site WebSocket hijacking) -> 403")
    void crossSiteWithCookie() throws Exception {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Cookie", "wsquota-jwt=" + Jwt.valid("grace@idp.test"));
        headers.put("Origin", "https://evil.example");
        assertRefused(403, headers);
    }

    @Test
    @Order(44)
    @DisplayName("O05 foreign Origin without credentials -> 401 (authentication comes first)")
    void foreignOriginWithoutCredentials() throws Exception {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Origin", "https://evil.example");
        assertRefused(401, headers);
    }

    @Test
    @Order(45)
    @DisplayName("O06 same-host Origin -> admitted (control)")
    void sameHostOrigin() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Origin", "http://" + RawWs.host());
        assertEquals("alice", welcomedUser(raw(headers)));
    }

    // ---------------------------------------------------------------- message limits

    private static String echo(RawWs ws, String text) throws IOException {
        ws.sendText(text);
        return ws.readText();
    }

    @Test
    @Order(50)
    @DisplayName("M01 text of exactly max-message-bytes (65536) -> echoed")
    void messageAtTheLimit() throws Exception {
        RawWs ws = admittedAlice();
        String text = "a".repeat(LIMIT);
        assertEquals(text, echo(ws, text));
    }

    @Test
    @Order(51)
    @DisplayName("M02 text one byte over (65537) in one frame -> 1009")
    void oneByteOver() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendText("a".repeat(LIMIT + 1));
        assertClosedWith(1009, ws.awaitClose());
    }

    @Test
    @Order(52)
    @DisplayName("M03 fragmented text over the limit (5 frames of 16 KiB, each under it) -> 1009 'message too big'")
    void fragmentedOverTheLimit() throws Exception {
        RawWs ws = admittedAlice();
        byte[] fragment = "f".repeat(16_384).getBytes(StandardCharsets.US_ASCII);
        ws.sendFrame(RawWs.TEXT, false, fragment, true);
        for (int i = 0; i < 3; i++) {
            ws.sendFrame(RawWs.CONTINUATION, false, fragment, true);
        }
        ws.sendFrame(RawWs.CONTINUATION, true, fragment, true);
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1009, close);
        assertEquals("message too big: more than 65536 bytes", close.reason());
    }

    @Test
    @Order(53)
    @DisplayName("M04 fragmented text of exactly the limit (4 frames of 16 KiB) -> echoed whole")
    void fragmentedAtTheLimit() throws Exception {
        RawWs ws = admittedAlice();
        byte[] fragment = "g".repeat(16_384).getBytes(StandardCharsets.US_ASCII);
        ws.sendFrame(RawWs.TEXT, false, fragment, true);
        ws.sendFrame(RawWs.CONTINUATION, false, fragment, true);
        ws.sendFrame(RawWs.CONTINUATION, false, fragment, true);
        ws.sendFrame(RawWs.CONTINUATION, true, fragment, true);
        assertEquals("g".repeat(LIMIT), ws.readText());
    }

    @Test
    @Order(54)
    @DisplayName("M05 two-byte characters: 32768 x e-acute (65536 bytes) echoed, 32769 (65538 bytes) -> 1009")
    void limitIsInBytesNotChars() throws Exception {
        RawWs ws = admittedAlice();
        String atLimit = "\u00e9".repeat(LIMIT / 2);
        assertEquals(atLimit, echo(ws, atLimit));
        ws.sendText("\u00e9".repeat(LIMIT / 2 + 1));
        assertClosedWith(1009, ws.awaitClose());
    }

    @Test
    @Order(55)
    @DisplayName("M06 binary frame -> 1003")
    void binaryFrame() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.BINARY, true, new byte[] {0, 1, 2, 3}, true);
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1003, close);
        assertEquals("binary messages are not supported, send text", close.reason());
    }

    @Test
    @Order(56)
    @DisplayName("M07 invalid UTF-8 in a text frame -> 1007")
    void invalidUtf8() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.TEXT, true, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF}, true);
        assertClosedWith(1007, ws.awaitClose());
    }

    @Test
    @Order(57)
    @DisplayName("M08 flood: 60 messages at once, over 50/s -> 50 echoed then 1008 'rate limit'")
    void floodOverTheRate() throws Exception {
        RawWs ws = admittedAlice();
        for (int i = 0; i < 60; i++) {
            ws.sendText("m" + i);
        }
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1008, close);
        assertEquals("rate limit: more than 50 messages per second", close.reason());
        assertTrue(close.textsBefore().size() >= 50 && close.textsBefore().size() < 60,
                "the burst of 50 is echoed, the rest is refused: " + close.textsBefore().size());
        assertEquals("m0", close.textsBefore().get(0));
    }

    @Test
    @Order(58)
    @DisplayName("M09 one 2 MiB text frame -> 1009 'message too big'")
    void twoMegabyteFrame() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendText("h".repeat(2 * 1024 * 1024));
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1009, close);
        assertEquals("message too big: more than 65536 bytes", close.reason());
    }

    @Test
    @Order(59)
    @DisplayName("M10 continuation frame without a first fragment -> 1002")
    void orphanContinuation() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.CONTINUATION, true, "orphan".getBytes(StandardCharsets.US_ASCII), true);
        assertClosedWith(1002, ws.awaitClose());
    }

    @Test
    @Order(60)
    @DisplayName("M11 unmasked client frame -> 1002")
    void unmaskedFrame() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.TEXT, true, "naked".getBytes(StandardCharsets.US_ASCII), false);
        assertClosedWith(1002, ws.awaitClose());
    }

    @Test
    @Order(61)
    @DisplayName("M12 ping with a 126-byte payload (control frames are at most 125) -> 1002")
    void oversizedPing() throws Exception {
        RawWs ws = admittedAlice();
        ws.sendFrame(RawWs.PING, true, new byte[126], true);
        assertClosedWith(1002, ws.awaitClose());
    }

    // ---------------------------------------------------------------- malformed upgrade requests

    @Test
    @Order(70)
    @DisplayName("P01 no Sec-WebSocket-Key -> 400")
    void noKey() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Sec-WebSocket-Key", null);
        assertRefused(400, headers);
    }

    @Test
    @Order(71)
    @DisplayName("P02 Sec-WebSocket-Key that is not 16 bytes -> 400")
    void shortKey() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Sec-WebSocket-Key", "c2hvcnQ=");
        assertRefused(400, headers);
    }

    @Test
    @Order(72)
    @DisplayName("P03 wrong Sec-WebSocket-Version (8) -> 400")
    void wrongVersion() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Sec-WebSocket-Version", "8");
        assertRefused(400, headers);
    }

    @Test
    @Order(73)
    @DisplayName("P04 POST with upgrade headers -> not upgraded (404: nothing but the WebSocket lives at /ws)")
    void postUpgrade() throws Exception {
        RawWs ws = raw("POST", "/ws", "HTTP/1.1", withContentLength(RawWs.basicHandshake("alice", WsClient.PASSWORD)));
        assertEquals(404, ws.status());
        assertNotCounted();
    }

    private static Map<String, String> withContentLength(Map<String, String> headers) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put("Content-Length", "0");
        return copy;
    }

    @Test
    @Order(74)
    @DisplayName("P05 GET without Upgrade/Connection headers -> not upgraded (404)")
    void plainGet() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Upgrade", null);
        headers.put("Connection", null);
        RawWs ws = raw(headers);
        assertEquals(404, ws.status());
        assertNotCounted();
    }

    @Test
    @Order(75)
    @DisplayName("P06 HTTP/1.0 upgrade -> 400")
    void http10() throws Exception {
        RawWs ws = raw("GET", "/ws", "HTTP/1.0", RawWs.basicHandshake("alice", WsClient.PASSWORD));
        assertEquals(400, ws.status());
        assertNotCounted();
    }

    @Test
    @Order(76)
    @DisplayName("P07 oversized header (64 KiB value) -> 400, never reaches the endpoint")
    void oversizedHeader() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("X-Padding", "p".repeat(65_536));
        assertRefused(400, headers);
    }

    @Test
    @Order(77)
    @DisplayName("P08 too many headers (2000) -> 400")
    void tooManyHeaders() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        for (int i = 0; i < 2000; i++) {
            headers.put("X-H" + i, "v");
        }
        assertRefused(400, headers);
    }

    // ---------------------------------------------------------------- load from one user

    @Test
    @Order(80)
    @DisplayName("L01 100 simultaneous connections of one JWT user -> exactly 5 welcomed, 95 closed 1013")
    void manyConnectionsAtOnce() throws Exception {
        String token = Jwt.valid("henry@idp.test");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    RawWs ws = raw(RawWs.bearerHandshake(token));
                    assertEquals(101, ws.status());
                    RawWs.Frame first = ws.readFrame();
                    if (first.opcode() == RawWs.TEXT) {
                        return 0; // welcomed; it stays open until the case ends
                    }
                    assertEquals(RawWs.CLOSE, first.opcode());
                    return ((first.payload()[0] & 0xFF) << 8) | (first.payload()[1] & 0xFF);
                }));
            }
            start.countDown();
            int welcomed = 0;
            int refused = 0;
            for (Future<Integer> answer : answers) {
                int code = answer.get(60, TimeUnit.SECONDS);
                if (code == 0) {
                    welcomed++;
                } else {
                    assertEquals(1013, code);
                    refused++;
                }
            }
            assertEquals(5, welcomed);
            assertEquals(95, refused);
            assertEquals(5, count("henry@idp.test"));
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------- after the whole catalogue

    @Test
    @Order(1000)
    @DisplayName("Z01 after the catalogue: bystanders still open, still echo, counts equal their open connections")
    void bystandersAreUntouched() throws Exception {
        for (WsClient client : basicBystanders) {
            assertFalse(client.isClosed(), "a bystander connection was closed");
            assertEquals("still here", client.echo("still here"));
        }
        for (RawWs ws : jwtBystanders) {
            assertEquals("still here too", echo(ws, "still here too"));
        }
        assertEquals(Map.of("bob", 2, "carol", 1, JWT_BYSTANDER, 2), factory.getUserManagerCounts());
        assertEquals(bystanderConnections, factory.getActiveManagers());
        Map<String, Long> refusals = guard.getRefusals();
        assertTrue(refusals.get("MESSAGE_TOO_BIG") >= 4 && refusals.get("BINARY") >= 2 && refusals.get("RATE") >= 1
                && refusals.get("ORIGIN") >= 4 && refusals.get("PROTOCOL") >= 4 && refusals.get("USER_ID") >= 2, "refusals are counted: " + refusals);
    }
}
