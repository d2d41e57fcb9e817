package dev.wsquota.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/** Builds the test archives: the whole product, as the WAR ships it, plus whatever a test adds. */
public final class Deployments {

    private Deployments() {
    }

    /** The product: every main class, its library (Hazelcast), web.xml, the context root (Liberty's and WildFly's descriptor) and the config defaults. */
    public static WebArchive product(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackages(true, "dev.wsquota.quota", "dev.wsquota.guard", "dev.wsquota.web", "dev.wsquota.ejb",
                        "dev.wsquota.jmx", "dev.wsquota.ops", "dev.wsquota.cluster", "dev.wsquota.inbound",
                        "dev.wsquota.api")
                .addAsLibrary(new File(System.getProperty("hazelcastJar")))
                .addAsResource(new File("src/main/resources/META-INF/microprofile-config.properties"),
                        "META-INF/microprofile-config.properties")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/web.xml"), "web.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/ejb-jar.xml"), "ejb-jar.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/ibm-web-ext.xml"), "ibm-web-ext.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/jboss-web.xml"), "jboss-web.xml");
    }
}
