package dev.wsquota.it.support;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The connections one test opens, each welcomed before the test uses it, and closed together at its end. */
public final class OpenClients {

    private final List<WsClient> clients = WsClient.newList();

    /** A connection of {@code user} on the IT server, after its welcome. */
    public WsClient open(String user) {
        WsClient client = WsClient.open(user);
        clients.add(client);
        client.welcome();
        return client;
    }

    /** Leaves a client the test closed itself out of {@link #closeAll}. */
    public void forget(WsClient client) {
        clients.remove(client);
    }

    /** Closes every connection still open. */
    public void closeAll() {
        WsClient.closeAll(clients);
    }

    /** Closes every connection and waits until the server holds no manager, so the next test starts from none. */
    public void closeAllAndAwaitNone(Supplier<Integer> activeManagers) {
        closeAll();
        Await.until("every slot back", Duration.ofSeconds(15), activeManagers, n -> n == 0);
    }
}
