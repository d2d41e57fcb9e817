package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.Jwt;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input catalogue, as tables of cases: a handshake and the HTTP status it must get (nothing
 * is admitted for it), a handshake and the user it must be admitted as, and frames sent on an admitted
 * connection and the close code they must get (the slot comes back). A few cases that check more than
 * one outcome stand on their own.
 *
 * <p>Before the first case, other users ("bystanders") open connections; after each case no one else's
 * managers exist; after the last case every bystander connection is still open, still echoes, and
 * {@code UserManagerCounts} equals exactly the bystanders' open connections.
 */
// Liberty-only (not tagged "portable"): BASIC and JWT in one deployment (Liberty's mpJwt authFilters), Liberty's
// own answers (401 for a line break in a upn) and its messages.log. The portable parts are GuardsIT and JwtIT.
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileInputIT {

    private static final int LIMIT = 65_536;
    private static final String JWT_BYSTANDER = "erin@idp.test";
    private static final Map<String, Integer> BYSTANDERS = Map.of("bob", 2, "carol", 1, JWT_BYSTANDER, 2);

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
        assertEquals(BYSTANDERS, factory.getUserManagerCounts());
    }

    /** After the whole catalogue: the bystanders were never touched, and every kind of refusal was counted. */
    @AfterAll
    static void bystandersAreUntouchedThenLeave() throws Exception {
        try {
            for (WsClient client : basicBystanders) {
                assertFalse(client.isClosed(), "a bystander connection was closed");
                assertEquals("still here", client.echo("still here"));
            }
            for (RawWs ws : jwtBystanders) {
                assertEquals("still here too", echo(ws, "still here too"));
            }
            assertEquals(BYSTANDERS, factory.getUserManagerCounts());
            assertEquals(bystanderConnections, factory.getActiveManagers());
            Map<String, Long> refusals = guard.getRefusals();
            assertTrue(refusals.get("MESSAGE_TOO_BIG") >= 4 && refusals.get("BINARY") >= 2 && refusals.get("RATE") >= 1
                    && refusals.get("ORIGIN") >= 4 && refusals.get("PROTOCOL") >= 4 && refusals.get("USER_ID") >= 2,
                    "refusals are counted: " + refusals);
        } finally {
            bystandersLeave();
        }
    }

    private static void bystandersLeave() throws Exception {
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
                counts -> counts.equals(BYSTANDERS));
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

    /** The same handshake headers with some changed; a null value removes the header. */
    private static Map<String, String> with(Map<String, String> headers, String... namesAndValues) {
        Map<String, String> copy = new HashMap<>(headers);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            copy.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return copy;
    }

    private static Map<String, String> alice() {
        return RawWs.basicHandshake("alice", WsClient.PASSWORD);
    }

    private static Map<String, String> withCookie(String token) {
        return with(RawWs.handshakeWithoutCredentials(), "Cookie", "wsquota-jwt=" + token);
    }

    private static Arguments refused(String name, int status, Map<String, String> headers) {
        return refused(name, status, "GET", "HTTP/1.1", headers);
    }

    private static Arguments refused(String name, int status, String method, String version,
            Map<String, String> headers) {
        return Arguments.of(name, status, method, version, headers);
    }

    static Stream<Arguments> refusedHandshakes() {
        String host = RawWs.host();
        return Stream.of(
                refused("H01 no credentials -> 401", 401, RawWs.handshakeWithoutCredentials()),
                refused("H02 wrong password -> 401", 401, RawWs.basicHandshake("alice", "not-the-password")),
                refused("H03 unknown user -> 401", 401, RawWs.basicHandshake("mallory", WsClient.PASSWORD)),
                refused("H04 garbage Basic credentials -> 401", 401,
                        with(RawWs.handshakeWithoutCredentials(), "Authorization", "Basic %%%not-base64%%%")),
                refused("J03 expired JWT -> 401", 401, RawWs.bearerHandshake(Jwt.expired("frank@idp.test"))),
                refused("J04 unsigned JWT (alg none) -> 401", 401,
                        RawWs.bearerHandshake(Jwt.unsigned("frank@idp.test"))),
                refused("J05 JWT signed with an unknown key -> 401", 401,
                        RawWs.bearerHandshake(Jwt.wrongKey("frank@idp.test"))),
                refused("J06 JWT from the wrong issuer -> 401", 401,
                        RawWs.bearerHandshake(Jwt.wrongIssuer("frank@idp.test"))),
                refused("J07 JWT whose payload was changed to name bob after signing -> 401", 401,
                        RawWs.bearerHandshake(Jwt.tampered("frank@idp.test", "bob"))),
                refused("J08 garbage bearer token -> 401", 401, RawWs.bearerHandshake("not.a.jwt")),
                refused("J09 expired JWT in the cookie -> 401", 401, withCookie(Jwt.expired("grace@idp.test"))),
                refused("J10 JWT without exp -> 401", 401, RawWs.bearerHandshake(Jwt.withoutExpiry("frank@idp.test"))),
                refused(
                        "J11 wrong-key JWT in the cookie plus valid BASIC credentials -> 401 (the cookie decides, no "
                        + "fallback)", 401,
                        with(alice(), "Cookie", "wsquota-jwt=" + Jwt.wrongKey("alice"))),
                refused("J12 Bearer header and JWT cookie together (two identities) -> 401", 401,
                        with(RawWs.bearerHandshake(Jwt.valid("frank@idp.test")), "Cookie", "wsquota-jwt="
                                + Jwt.valid("grace@idp.test"))),
                refused("I04 upn with a line break (bob\\nx) -> 401 (Liberty refuses it)", 401,
                        RawWs.bearerHandshake(Jwt.valid("bob\nx"))),
                refused("I04 upn with a line separator (bob\\u2028x) -> 401", 401,
                        RawWs.bearerHandshake(Jwt.valid("bob\u2028x"))),
                refused("O01 foreign Origin with valid credentials -> 403", 403,
                        with(alice(), "Origin", "https://evil.example")),
                refused("O02 Origin: null -> 403", 403, with(alice(), "Origin", "null")),
                refused("O03 look-alike Origin (http://127.0.0.1:port.evil.example) -> 403", 403,
                        with(alice(), "Origin", "http://" + host + ".evil.example")),
                refused("O04 foreign Origin with a valid JWT cookie (cross-site WebSocket hijacking) -> 403", 403,
                        with(withCookie(Jwt.valid("grace@idp.test")), "Origin", "https://evil.example")),
                refused("O05 foreign Origin without credentials -> 401 (authentication comes first)", 401,
                        with(RawWs.handshakeWithoutCredentials(), "Origin", "https://evil.example")),
                refused("P01 no Sec-WebSocket-Key -> 400", 400, with(alice(), "Sec-WebSocket-Key", null)),
                refused("P02 Sec-WebSocket-Key that is not 16 bytes -> 400", 400,
                        with(alice(), "Sec-WebSocket-Key", "c2hvcnQ=")),
                refused("P03 wrong Sec-WebSocket-Version (8) -> 400", 400, with(alice(), "Sec-WebSocket-Version", "8")),
                refused("P04 POST with upgrade headers -> not upgraded (404: nothing but the WebSocket lives at /ws)",
                        404,
                        "POST", "HTTP/1.1", with(alice(), "Content-Length", "0")),
                refused("P05 GET without Upgrade/Connection headers -> not upgraded (404)", 404,
                        with(alice(), "Upgrade", null, "Connection", null)),
                refused("P06 HTTP/1.0 upgrade -> 400", 400, "GET", "HTTP/1.0", alice()),
                refused("P07 oversized header (64 KiB value) -> 400, never reaches the endpoint", 400,
                        with(alice(), "X-Padding", "p".repeat(65_536))),
                refused("P08 too many headers (2000) -> 400", 400, with(alice(), manyHeaders(2000))));
    }

    private static String[] manyHeaders(int count) {
        String[] namesAndValues = new String[2 * count];
        for (int i = 0; i < count; i++) {
            namesAndValues[2 * i] = "X-H" + i;
            namesAndValues[2 * i + 1] = "v";
        }
        return namesAndValues;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedHandshakes")
    void aRefusedHandshakeGetsItsStatusAndIsNeverAdmitted(String name, int status, String method, String version,
                                                          Map<String, String> headers) throws Exception {
        long originRefusals = guard.getRefusals().get("ORIGIN");
        RawWs ws = raw(method, "/ws", version, headers);
        assertEquals(status, ws.status(), "handshake status");
        assertNotCounted();
        assertEquals(2, count("bob"));
        if (status == 403) {
            assertEquals(originRefusals + 1, guard.getRefusals().get("ORIGIN"), "an origin refusal is counted");
        }
    }

    static Stream<Arguments> admittedHandshakes() {
        return Stream.of(
                Arguments.of("H05 forged user in the query (?user=bob) -> admitted as alice", "alice",
                        "/ws?user=bob&principal=bob&upn=bob", alice()),
                Arguments.of(
                        "H06 forged user in headers (X-User, X-Forwarded-User, X-Remote-User, Remote-User) -> "
                        + "admitted as alice",
                        "alice", "/ws",
                                with(alice(), "X-User", "bob", "X-Forwarded-User", "bob", "X-Remote-User", "bob",
                                "Remote-User", "bob", "X-Wsquota-User", "bob", "$WSRU", "bob")),
                Arguments.of(
                        "H07 forged user as subprotocol (Sec-WebSocket-Protocol: bob) -> admitted as alice, no "
                        + "subprotocol chosen",
                        "alice", "/ws", with(alice(), "Sec-WebSocket-Protocol", "bob, user.bob")),
                Arguments.of("J01 valid JWT in the Authorization header -> admitted as its upn (control)",
                        "frank@idp.test",
                        "/ws", RawWs.bearerHandshake(Jwt.valid("frank@idp.test"))),
                Arguments.of("J02 valid JWT in the wsquota-jwt cookie (browser) -> admitted as its upn (control)",
                        "grace@idp.test",
                        "/ws", with(RawWs.handshakeWithoutCredentials(), "Cookie", "theme=dark; wsquota-jwt="
                                + Jwt.valid("grace@idp.test"))),
                Arguments.of("O06 same-host Origin -> admitted (control)", "alice", "/ws",
                        with(alice(), "Origin", "http://" + RawWs.host())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("admittedHandshakes")
    void anAcceptedHandshakeIsAdmittedAsTheAuthenticatedUserOnly(String name, String user, String target,
                                                                 Map<String, String> headers) throws Exception {
        RawWs ws = raw("GET", target, "HTTP/1.1", headers);
        assertEquals(user, welcomedUser(ws));
        assertNull(ws.responseHeader("Sec-WebSocket-Protocol"), "no subprotocol is ever chosen");
        assertEquals(user + "'s text", echo(ws, user + "'s text"));
        assertEquals(1, count(user));
        assertEquals(2, count("bob"));
    }

    static Stream<Arguments> refusedUserIds() {
        return Stream.of(
                Arguments.of("I02 upn of 10 KB -> closed 1008 'user id not accepted', never counted",
                        "u".repeat(10_240)),
                Arguments.of("I03 blank upn (three spaces) -> closed 1008, never counted", "   "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedUserIds")
    void aUserIdTheQuotaCannotKeepIsClosedBeforeAdmission(String name, String upn) throws Exception {
        long before = guard.getRefusals().get("USER_ID");
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid(upn)));
        assertEquals(101, ws.status(), "the token is valid; the id is refused by the endpoint");
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(1008, close);
        assertEquals("user id not accepted", close.reason());
        assertTrue(close.textsBefore().isEmpty(), "no welcome");
        assertNotCounted();
        assertEquals(before + 1, guard.getRefusals().get("USER_ID"));
    }

    @Test
    @DisplayName(
            "I01 upn with control characters, , = * : quotes -> admitted as data; JMX shows it exactly; logs escape it")
    void hostileUserIdIsData() throws Exception {
        String hostile = "eve\t\u001b[2J\u007f[INFO] FORGED-LOG-LINE "
                + "user=root,type=ManagerFactory,name=*:\"q\"'s'\u0000";
        RawWs ws = raw(RawWs.bearerHandshake(Jwt.valid(hostile)));
        assertEquals(101, ws.status());
        ws.readText();
        Map<String, Integer> counts = factory.getUserManagerCounts();
        assertEquals(1, counts.get(hostile), "the JMX table shows the id exactly: " + counts.keySet());
        assertEquals(2, count("bob"));
        // Make the server log a line about this connection, then look at the log.
        ws.sendFrame(RawWs.BINARY, true, new byte[] {1}, true);
        assertClosedWith(1003, ws.awaitClose());
        Path log = Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"), "logs",
                "messages.log");
        String text = Await.until("the log line about the hostile id", Duration.ofSeconds(10), () -> read(log),
                content -> content.contains("FORGED-LOG-LINE"));
        assertTrue(text.contains("eve\\u0009\\u001b[2J\\u007f[INFO] FORGED-LOG-LINE user=root"),
                "control characters are escaped in the log");
        assertFalse(text.chars().anyMatch(c -> c == 0x1b || c == 0x7f || c == 0),
                "no raw ESC, DEL or NUL reached the log");
        assertTrue(jmx.connection().queryNames(null, null).stream()
                        .filter(name -> name.getDomain().equals("dev.wsquota"))
                        .allMatch(name -> name.equals(GuardAdmin.OBJECT_NAME)
                                || name.getCanonicalName().equals("dev.wsquota:type=ManagerFactory")
                                || name.getCanonicalName().equals("dev.wsquota:type=Cluster")
                                || name.getCanonicalName().equals("dev.wsquota:type=Inbound")),
                "no MBean name was built from a user id");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    private static String echo(RawWs ws, String text) throws IOException {
        ws.sendText(text);
        return ws.readText();
    }

    /** What a case sends on an admitted connection. */
    @FunctionalInterface
    interface Frames {
        void send(RawWs ws) throws IOException;
    }

    private static Frames fragments(String letter, int count) {
        byte[] fragment = letter.repeat(16_384).getBytes(StandardCharsets.US_ASCII);
        return ws -> {
            ws.sendFrame(RawWs.TEXT, false, fragment, true);
            for (int i = 1; i < count - 1; i++) {
                ws.sendFrame(RawWs.CONTINUATION, false, fragment, true);
            }
            ws.sendFrame(RawWs.CONTINUATION, true, fragment, true);
        };
    }

    static Stream<Arguments> echoedMessages() {
        return Stream.of(
                Arguments.of("M01 text of exactly max-message-bytes (65536) -> echoed", (Frames) ws ->
                        ws.sendText("a".repeat(LIMIT)),
                        "a".repeat(LIMIT)),
                Arguments.of("M04 fragmented text of exactly the limit (4 frames of 16 KiB) -> echoed whole",
                        fragments("g", 4),
                        "g".repeat(LIMIT)),
                Arguments.of("M05 two-byte characters: 32768 x e-acute (65536 bytes) -> echoed",
                        (Frames) ws -> ws.sendText("\u00e9".repeat(LIMIT / 2)), "\u00e9".repeat(LIMIT / 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("echoedMessages")
    void aMessageWithinTheLimitsIsEchoed(String name, Frames frames, String echoed) throws Exception {
        RawWs ws = admittedAlice();
        frames.send(ws);
        assertEquals(echoed, ws.readText());
    }

    static Stream<Arguments> refusedFrames() {
        String tooBig = "message too big: more than 65536 bytes";
        return Stream.of(
                Arguments.of("M02 text one byte over (65537) in one frame -> 1009", (Frames) ws ->
                        ws.sendText("a".repeat(LIMIT + 1)),
                        1009, tooBig),
                Arguments.of("M03 fragmented text over the limit (5 frames of 16 KiB, each under it) -> 1009",
                        fragments("f", 5),
                        1009, tooBig),
                Arguments.of("M05 two-byte characters: 32769 x e-acute (65538 bytes) -> 1009",
                        (Frames) ws -> ws.sendText("\u00e9".repeat(LIMIT / 2 + 1)), 1009, tooBig),
                Arguments.of("M06 binary frame -> 1003", (Frames) ws ->
                        ws.sendFrame(RawWs.BINARY, true, new byte[] {0, 1, 2, 3}, true),
                        1003, "binary messages are not supported, send text"),
                Arguments.of("M07 invalid UTF-8 in a text frame -> 1007", (Frames) ws -> ws.sendFrame(RawWs.TEXT, true,
                        new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF}, true), 1007, null),
                Arguments.of("M09 one 2 MiB text frame -> 1009", (Frames) ws ->
                        ws.sendText("h".repeat(2 * 1024 * 1024)),
                        1009, tooBig),
                Arguments.of("M10 continuation frame without a first fragment -> 1002", (Frames) ws ->
                        ws.sendFrame(RawWs.CONTINUATION,
                        true, "orphan".getBytes(StandardCharsets.US_ASCII), true), 1002, null),
                Arguments.of("M11 unmasked client frame -> 1002", (Frames) ws -> ws.sendFrame(RawWs.TEXT, true,
                        "naked".getBytes(StandardCharsets.US_ASCII), false), 1002, null),
                Arguments.of("M12 ping with a 126-byte payload (control frames are at most 125) -> 1002",
                        (Frames) ws -> ws.sendFrame(RawWs.PING, true, new byte[126], true), 1002, null));
    }

    /** The close code is the case; the reason is checked where wsquota itself writes it (null: the container's). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFrames")
    void refusedFramesCloseOnlyThisConnectionWithTheirCode(String name, Frames frames, int code,
            String reason) throws Exception {
        RawWs ws = admittedAlice();
        frames.send(ws);
        RawWs.Close close = ws.awaitClose();
        assertClosedWith(code, close);
        if (reason != null) {
            assertEquals(reason, close.reason());
        }
    }

    @Test
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

    /** Keeps a raw client alive as a real one is: it answers every ping until its socket closes. */
    private static void answerPings(RawWs ws) {
        Thread keeper = new Thread(() -> {
            try {
                for (RawWs.Frame frame = ws.readFrame(); frame.opcode() != RawWs.CLOSE; frame = ws.readFrame()) {
                    if (frame.opcode() == RawWs.PING) {
                        ws.sendFrame(RawWs.PONG, true, frame.payload(), true);
                    }
                }
            } catch (IOException closedByTheCase) {
                // The case closed the socket: nothing left to answer.
            }
        }, "answer-pings");
        keeper.setDaemon(true);
        keeper.start();
    }

    @Test
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
                        answerPings(ws); // welcomed and alive: it answers the probe at the quota until the case ends
                        return 0;
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

}
