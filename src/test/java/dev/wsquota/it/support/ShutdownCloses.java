package dev.wsquota.it.support;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a set of held clients were closed, counted by close code and reason, so a failure shows every outcome at
 * once.
 */
public final class ShutdownCloses {

    public static final WsClient.Close GOING_AWAY = new WsClient.Close(1001, "server shutting down");

    private ShutdownCloses() {
    }

    /** What every client should see: all closed with 1001 "server shutting down". */
    public static Map<String, Integer> expected(int clients) {
        return Map.of(GOING_AWAY.toString(), clients);
    }

    /** Waits for each client's close and counts them by code and reason. */
    public static Map<String, Integer> of(List<WsClient> clients) {
        Map<String, Integer> seen = new TreeMap<>();
        for (WsClient client : clients) {
            seen.merge(client.awaitClose().toString(), 1, Integer::sum);
        }
        System.out.println("closes seen by " + clients.size() + " clients: " + seen);
        return seen;
    }
}
