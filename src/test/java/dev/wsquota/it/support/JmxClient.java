package dev.wsquota.it.support;

import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JMX from another JVM, as JConsole does it: on Liberty through the address its local connector writes under
 * logs/state; where the system property {@code jmxUrl} names a service URL (the wildfly profile:
 * {@code service:jmx:remote+http://127.0.0.1:<management port>}), through that.
 */
public final class JmxClient implements AutoCloseable {

    private final JMXConnector connector;

    private JmxClient(JMXConnector connector) {
        this.connector = connector;
    }

    /** The file in which localConnector-1.0 writes its address. */
    public static Path addressFile() {
        return Path.of(System.getProperty("wlpHome"), "usr", "servers", System.getProperty("serverName"),
                "logs", "state", "com.ibm.ws.jmx.local.address");
    }

    /** The service URL to connect to: {@code jmxUrl} if set, else the one Liberty's local connector wrote. */
    public static String address() throws IOException {
        String url = System.getProperty("jmxUrl", "");
        return url.isBlank() ? Files.readString(addressFile()).trim() : url;
    }

    public static JmxClient connect() throws IOException {
        String address = address();
        return new JmxClient(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    public MBeanServerConnection connection() throws IOException {
        return connector.getMBeanServerConnection();
    }

    public ManagerFactoryMXBean factory() throws IOException {
        return JMX.newMXBeanProxy(connection(), ManagerFactoryAdmin.OBJECT_NAME, ManagerFactoryMXBean.class);
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
