package dev.wsquota.it;

import dev.wsquota.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The WAR the build ships (target/wsquota.war, every entry as packaged), not an archive assembled by the tests:
 * it deploys and answers at /ws with BASIC, on every server the suite runs on.
 */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ShippedWarIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        File war = new File("target/wsquota.war");
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    @Test
    void theShippedWarWelcomesAndEchoesAtSlashWs() throws Exception {
        try (WsClient alice = WsClient.open("alice")) {
            assertEquals("welcome", alice.welcomeField("type"));
            assertEquals("alice", alice.welcomeField("user"));
            assertEquals("from the shipped war", alice.echo("from the shipped war"));
        }
    }
}
