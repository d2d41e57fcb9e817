package dev.wsquota.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/**
 * A library jar whose {@code META-INF/microprofile-config.properties} outranks the WAR's defaults (ordinal 200), so
 * one test WAR can run with its own inbound settings while the server's other applications keep theirs.
 */
public final class InboundConfig {

    private InboundConfig() {
    }

    public static JavaArchive jar(String properties) {
        return ShrinkWrap.create(JavaArchive.class, "inbound-test-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=200\n" + properties),
                        "microprofile-config.properties");
    }
}
