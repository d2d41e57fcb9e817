package dev.wsquota.it.support;

import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.util.Map;

/**
 * A stand-in for JConsole's "Remote Process" connect, run in a child JVM with exactly the README's JConsole
 * -J options (class path with restConnector.jar, javax.net.ssl trust store): only a URL, a user and a password.
 * Args: service URL, user, password. Prints the factory's MaxManagersPerUser.
 */
public final class JConsoleFlagsProbe {

    private JConsoleFlagsProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]});
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(args[0]), env)) {
            Object value = connector.getMBeanServerConnection()
                    .getAttribute(new ObjectName("dev.wsquota:type=ManagerFactory"), "MaxManagersPerUser");
            System.out.println("MaxManagersPerUser=" + value);
        }
    }
}
