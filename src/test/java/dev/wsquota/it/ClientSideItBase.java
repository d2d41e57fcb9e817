package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;

/**
 * What every {@code @RunAsClient} test against the running server needs: real clients that are all
 * closed afterwards, the MXBean from this JVM over the local connector, and a check that every slot
 * came back before the next test starts.
 */
abstract class ClientSideItBase {

    protected final List<WsClient> clients = WsClient.newList();
    protected JmxClient jmx;
    protected ManagerFactoryMXBean mxbean;

    @BeforeEach
    void connectJmx() throws Exception {
        jmx = JmxClient.connect();
        mxbean = jmx.factory();
    }

    /** Runs after the subclass's own {@code @AfterEach}, so its setting resets come first. */
    @AfterEach
    void closeClientsAndAwaitEverySlotBack() throws Exception {
        WsClient.closeAll(clients);
        mxbean.setMaxManagersPerUser(5);
        Await.until("every slot back", Duration.ofSeconds(15), mxbean::getActiveManagers, n -> n == 0);
        jmx.close();
    }

    /** Opens a connection as the user, waits for the server's answer, and closes it after the test. */
    protected WsClient open(String user) {
        WsClient client = WsClient.open(user);
        clients.add(client);
        return client;
    }

    protected int countOf(String user) {
        return mxbean.getUserManagerCounts().getOrDefault(user, 0);
    }
}
