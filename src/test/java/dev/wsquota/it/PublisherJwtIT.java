package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.Jwt;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The production identity of a publisher: a JWT whose groups claim holds wsquota-publisher may call /api. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PublisherJwtIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(name = "publisherjwt", testable = false)
    static WebArchive deployment() {
        JavaArchive jwtConfig = ShrinkWrap.create(JavaArchive.class, "test-jwt-config.jar")
                .addAsManifestResource(new StringAsset(Jwt.mpConfig()), "microprofile-config.properties");
        return Deployments.product("publisherjwt").addAsLibrary(jwtConfig);
    }

    private static int post(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + System.getProperty("httpPort")
                        + "/api/users/alice/messages"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("hi")).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    @Test
    void aTokenInThePublisherGroupMayCallAndAnOrdinaryOneMayNot() throws Exception {
        assertEquals(200, post(Jwt.withGroups("backend@idp.test", "wsquota-publisher")));
        assertEquals(403, post(Jwt.withGroups("frank@idp.test", "user")));
        assertEquals(401, post(Jwt.expired("backend@idp.test")));
    }
}
