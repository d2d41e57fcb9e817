package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.Jwt;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MicroProfile JWT, the production identity, with the same answers on every server: a valid token in the
 * Authorization header or in the wsquota-jwt cookie is admitted as its upn; a bad token, no credentials, or a
 * header and a cookie together get 401 and are never counted. On Liberty the server.xml mpJwt configuration
 * serves the deployment as it ships; on WildFly the deployment "jwt.war" gets the MP-JWT web.xml through the
 * overlay of wildfly/jwt-overlay.cli (a WildFly deployment is either BASIC or MP-JWT, docs/other-servers.md).
 */
@Tag("portable") // also runs on WildFly (-Pwildfly), with the MP-JWT overlay
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JwtIT extends RawHandshakeItBase {

    @Deployment(name = "jwt", testable = false)
    static WebArchive deployment() {
        // The server trusts the key pair this test run generated: MicroProfile Config in a library jar.
        JavaArchive jwtConfig = ShrinkWrap.create(JavaArchive.class, "test-jwt-config.jar")
                .addAsManifestResource(new StringAsset(Jwt.mpConfig()), "microprofile-config.properties");
        return Deployments.product("jwt").addAsLibrary(jwtConfig);
    }

    private RawWs handshake(Map<String, String> headers) throws IOException {
        return kept(RawWs.handshake(headers));
    }

    private String welcomedUser(Map<String, String> headers) throws IOException {
        RawWs ws = handshake(headers);
        assertEquals(101, ws.status(), "handshake status");
        String welcome = ws.readText();
        assertTrue(welcome.startsWith("{\"type\":\"welcome\""), welcome);
        ws.sendText("echo me");
        assertEquals("echo me", ws.readText());
        return welcome.replaceAll(".*\"user\":\"([^\"]*)\".*", "$1");
    }

    private void assertRefusedWith401(Map<String, String> headers) throws IOException {
        assertEquals(401, handshake(headers).status(), "handshake status");
        assertNeverAdmitted();
    }

    private static Map<String, String> cookie(String token) {
        Map<String, String> headers = RawWs.handshakeWithoutCredentials();
        headers.put("Cookie", "theme=dark; wsquota-jwt=" + token);
        return headers;
    }

    @Test
    void aValidTokenInTheAuthorizationHeaderIsAdmittedAsItsUpn() throws Exception {
        assertEquals("frank@idp.test", welcomedUser(RawWs.bearerHandshake(Jwt.valid("frank@idp.test"))));
        assertEquals(Map.of("frank@idp.test", 1), factory.getUserManagerCounts());
    }

    @Test
    void aValidTokenInTheCookieIsAdmittedAsItsUpn() throws Exception {
        assertEquals("grace@idp.test", welcomedUser(cookie(Jwt.valid("grace@idp.test"))));
        assertEquals(Map.of("grace@idp.test", 1), factory.getUserManagerCounts());
    }

    @Test
    void badTokensInTheHeaderAreRefused() throws Exception {
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.expired("frank@idp.test")));
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.unsigned("frank@idp.test")));
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.wrongKey("frank@idp.test")));
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.wrongIssuer("frank@idp.test")));
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.tampered("frank@idp.test", "bob")));
        assertRefusedWith401(RawWs.bearerHandshake(Jwt.withoutExpiry("frank@idp.test")));
        assertRefusedWith401(RawWs.bearerHandshake("not.a.jwt"));
    }

    @Test
    void badTokensInTheCookieAreRefused() throws Exception {
        assertRefusedWith401(cookie(Jwt.expired("grace@idp.test")));
        assertRefusedWith401(cookie(Jwt.wrongKey("grace@idp.test")));
        assertRefusedWith401(cookie(Jwt.unsigned("grace@idp.test")));
    }

    @Test
    void noCredentialsAreRefused() throws Exception {
        assertRefusedWith401(RawWs.handshakeWithoutCredentials());
    }

    @Test
    void aBadCookieIsNotRescuedByValidBasicCredentials() throws Exception {
        Map<String, String> headers = RawWs.basicHandshake("alice", WsClient.PASSWORD);
        headers.put("Cookie", "wsquota-jwt=" + Jwt.wrongKey("alice"));
        assertRefusedWith401(headers);
    }

    @Test
    void aHeaderAndACookieTogetherAreRefusedEvenWhenBothAreValid() throws Exception {
        Map<String, String> headers = RawWs.bearerHandshake(Jwt.valid("frank@idp.test"));
        headers.put("Cookie", "wsquota-jwt=" + Jwt.valid("grace@idp.test"));
        assertRefusedWith401(headers);
        Map<String, String> sameUser = RawWs.bearerHandshake(Jwt.valid("frank@idp.test"));
        sameUser.put("Cookie", "wsquota-jwt=" + Jwt.valid("frank@idp.test"));
        assertRefusedWith401(sameUser);
    }

    /** Liberty refuses such a upn (401); a server that admits it must admit it as exactly that id, never as bob. */
    @Test
    void aUpnWithALineBreakIsRefusedOrKeptAsDataNeverAnotherUser() throws Exception {
        for (String upn : new String[] {"bob\nx", "bob\u2028x"}) {
            RawWs ws = handshake(RawWs.bearerHandshake(Jwt.valid(upn)));
            if (ws.status() == 401) {
                assertNeverAdmitted();
            } else {
                assertEquals(101, ws.status(), "handshake status");
                assertTrue(ws.readText().startsWith("{\"type\":\"welcome\""));
                assertEquals(Map.of(upn, 1), factory.getUserManagerCounts(), "admitted under exactly its own id");
                ws.close();
                Await.until("its slot back", Duration.ofSeconds(15), factory::getActiveManagers, n -> n == 0);
            }
            admissionsBefore = factory.getAdmissions();
        }
    }
}
