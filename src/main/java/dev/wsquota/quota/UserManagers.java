package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's live managers, oldest first. Its monitor makes that user's admissions atomic;
 * the user's count is this map's size, so there is no separate counter to forget to decrement.
 * Every field is guarded by {@code this}.
 */
final class UserManagers {

    final String user;
    private final Map<String, Manager> managers = new LinkedHashMap<>(8);
    /** Set when the last manager left and this object was removed from the registry; a retired object takes no more managers. */
    boolean retired;

    UserManagers(String user) {
        this.user = user;
    }

    int size() {
        return managers.size();
    }

    boolean isEmpty() {
        return managers.isEmpty();
    }

    void add(Manager manager) {
        managers.put(manager.id(), manager);
    }

    boolean remove(Manager manager) {
        return managers.remove(manager.id(), manager);
    }

    /** The longest-lived manager. */
    Manager oldest() {
        return managers.values().iterator().next();
    }

    /** A copy, oldest first, safe to use after the monitor is released. */
    List<Manager> snapshot() {
        return new ArrayList<>(managers.values());
    }
}
