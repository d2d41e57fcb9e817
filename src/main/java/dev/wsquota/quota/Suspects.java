package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Managers something saw misbehave (a ping that could not be queued or failed), kept for the scheduled
 * cleanup to look at first, so its cost follows the suspicious managers rather than the total.
 */
final class Suspects {

    private final Set<Manager> marked = ConcurrentHashMap.newKeySet();

    void mark(Manager manager) {
        marked.add(manager);
    }

    void forget(Manager manager) {
        marked.remove(manager);
    }

    /** Takes the managers marked so far (each is returned once). */
    List<Manager> take() {
        List<Manager> taken = new ArrayList<>();
        for (var it = marked.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
    }
}
