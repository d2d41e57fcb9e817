package dev.wsquota.it.support;

import javax.management.MBeanServerConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The server JVM's threads, read over JMX as a thread dump would list them. */
public final class ServerThreads {

    private ServerThreads() {
    }

    /** The names of the JDK HttpClient selector threads alive in the server now. */
    public static Set<String> httpClientSelectors(MBeanServerConnection connection) throws IOException {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connection,
                ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        return Arrays.stream(threads.dumpAllThreads(false, false))
                .map(ThreadInfo::getThreadName)
                .filter(name -> name.startsWith("HttpClient-") && name.endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }
}
