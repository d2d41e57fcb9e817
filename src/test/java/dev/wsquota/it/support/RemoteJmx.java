package dev.wsquota.it.support;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Remote JMX as a JConsole started with restConnector.jar does it: Liberty's REST connector over HTTPS,
 * with the runtime's own client jar (loaded here, not a test dependency) and the server's key.p12 as trust store.
 */
public final class RemoteJmx {

    /** The service URL JConsole is given, on the test server's HTTPS port. */
    public static String serviceUrl() {
        return "service:jmx:rest://localhost:" + System.getProperty("httpsPort") + "/IBMJMXConnectorREST";
    }

    private static Path serverDir() {
        return Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"));
    }

    /** {@code <wlp>/clients/restConnector.jar}. */
    public static Path clientJar() {
        return Path.of(System.getProperty("wlpHome"), "clients", "restConnector.jar");
    }

    /** The server's generated key store, which holds the certificate the HTTPS port presents. */
    public static Path keyStore() {
        return serverDir().resolve("resources/security/key.p12");
    }

    /** keystore_password from the server's server.env (generated when the server was created). */
    public static char[] keyStorePassword() throws IOException {
        Properties env = new Properties();
        try (InputStream in = Files.newInputStream(serverDir().resolve("server.env"))) {
            env.load(in);
        }
        String password = env.getProperty("keystore_password");
        if (password == null || password.isBlank()) {
            throw new IllegalStateException("no keystore_password in " + serverDir().resolve("server.env"));
        }
        return password.toCharArray();
    }

    /**
     * Connects as this user; the returned connector must be closed. Failing to connect throws, as it does to
     * JConsole.
     */
    public static JMXConnector connect(String user, String password) throws IOException, GeneralSecurityException {
        Map<String, Object> env = new HashMap<>();
        ClassLoader client = new URLClassLoader(new URL[] {clientJar().toUri().toURL()},
                RemoteJmx.class.getClassLoader());
        env.put(JMXConnectorFactory.PROTOCOL_PROVIDER_PACKAGES, "com.ibm.ws.jmx.connector.client");
        env.put(JMXConnectorFactory.PROTOCOL_PROVIDER_CLASS_LOADER, client);
        env.put("com.ibm.ws.jmx.connector.client.CUSTOM_SSLSOCKETFACTORY", trustingTheServer().getSocketFactory());
        env.put("com.ibm.ws.jmx.connector.client.rest.readTimeout", 30_000);
        env.put("com.ibm.ws.jmx.connector.client.rest.maxServerWaitTime", 0);
        if (user != null) {
            env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        }
        return JMXConnectorFactory.connect(new JMXServiceURL(serviceUrl()), env);
    }

    /** TLS that trusts exactly the certificates in the server's key.p12. */
    public static SSLContext trustingTheServer() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore())) {
            trusted.load(in, keyStorePassword());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    private RemoteJmx() {
    }
}
