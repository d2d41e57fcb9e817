package dev.wsquota.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the test archives: the whole product, as the WAR ships it, plus whatever a test adds. */
public final class Deployments {

    /** Where the product's config defaults are, in the archive and (under src/main/resources) in the project. */
    public static final String CONFIG = "META-INF/microprofile-config.properties";

    private Deployments() {
    }

    /**
     * The product: every main class, its library (Hazelcast), web.xml, the context root (Liberty's and WildFly's
     * descriptor) and the config defaults.
     */
    public static WebArchive product(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackages(true, "dev.wsquota.util", "dev.wsquota.quota", "dev.wsquota.guard", "dev.wsquota.web",
                        "dev.wsquota.ejb", "dev.wsquota.jmx", "dev.wsquota.ops", "dev.wsquota.cluster",
                        "dev.wsquota.inbound", "dev.wsquota.api")
                .addAsLibrary(new File(System.getProperty("hazelcastJar")))
                .addAsResource(new File("src/main/resources/" + CONFIG), CONFIG)
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/web.xml"), "web.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/ejb-jar.xml"), "ejb-jar.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/ibm-web-ext.xml"), "ibm-web-ext.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/jboss-web.xml"), "jboss-web.xml");
    }

    /** The product with its config defaults followed by {@code properties} (one {@code key=value} a line). */
    public static WebArchive product(String name, String properties) throws IOException {
        String config = Files.readString(Path.of("src/main/resources", CONFIG)) + "\n" + properties;
        return product(name).addAsResource(new StringAsset(config), CONFIG);
    }
}
