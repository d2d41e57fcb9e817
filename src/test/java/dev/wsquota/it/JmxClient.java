package dev.wsquota.it;

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

/** JMX from another JVM, as JConsole does it: through the address Liberty's local connector writes under logs/state. */
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

    public static JmxClient connect() throws IOException {
        String address = Files.readString(addressFile()).trim();
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
