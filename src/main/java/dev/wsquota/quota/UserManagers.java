package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One user's live managers, oldest first. Its monitor makes that user's admissions atomic;
 * the user's count is the number of managers held here, so there is no separate counter to forget
 * to decrement. A plain array: a user holds a handful of managers (the quota), so a linear search
 * costs less than a map's entry per manager. Every field is guarded by {@code this}.
 */
final class UserManagers {

    final String user;
    private Manager[] managers = new Manager[2];
    private int size;
    /**
     * Set when the last manager left and this object was removed from the registry; a retired object takes no more
     * managers.
     */
    boolean retired;

    UserManagers(String user) {
        this.user = user;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(Manager manager) {
        if (size == managers.length) {
            managers = Arrays.copyOf(managers, size * 2);
        }
        managers[size++] = manager;
    }

    boolean remove(Manager manager) {
        for (int i = 0; i < size; i++) {
            if (managers[i] == manager) {
                System.arraycopy(managers, i + 1, managers, i, size - i - 1);
                managers[--size] = null;
                if (size <= managers.length / 4 && managers.length > 2) {
                    managers = Arrays.copyOf(managers, Math.max(2, managers.length / 2));
                }
                return true;
            }
        }
        return false;
    }

    /** The longest-lived manager. */
    Manager oldest() {
        return managers[0];
    }

    /** A copy, oldest first, safe to use after the monitor is released. */
    List<Manager> snapshot() {
        return new ArrayList<>(Arrays.asList(managers).subList(0, size));
    }
}
