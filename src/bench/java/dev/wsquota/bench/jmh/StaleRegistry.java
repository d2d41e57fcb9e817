package dev.wsquota.bench.jmh;

import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.Manager;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.QuotaLimits;

/**
 * The registry both cleanup benchmarks pass over: so many managers, 5 per user, of which a given number have a
 * closed connection, spread evenly rather than bunched at one end; put back after each pass, so every pass sees
 * the same registry.
 */
final class StaleRegistry {

    static final int PER_USER = 5;

    final ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(PER_USER, QuotaLimits.MAX_QUOTA),
            System::currentTimeMillis);
    private final int managers;
    private final String[] staleUsers;
    private final boolean suspected;
    private final FakeConnection closed = new FakeConnection(false);

    /**
     * @param stale     how many managers have a closed connection
     * @param suspected whether those are also marked suspect, as the ping sweep marks one it cannot ping
     */
    StaleRegistry(int managers, int stale, boolean suspected) {
        this.managers = managers;
        this.staleUsers = new String[stale];
        this.suspected = suspected;
        int users = managers / PER_USER;
        int every = stale == 0 ? Integer.MAX_VALUE : managers / stale;
        int made = 0;
        for (int i = 0; i < managers; i++) {
            String user = "user" + (i % users);
            boolean isStale = made < stale && i % every == 0;
            Manager manager = registry.admit(user, isStale ? closed : new FakeConnection(true)).manager();
            if (isStale) {
                staleUsers[made++] = user;
                markIfSuspected(manager);
            }
        }
        check();
    }

    int staleCount() {
        return staleUsers.length;
    }

    /** Admits again (and marks again) the stale managers a pass reclaimed; not part of what is measured. */
    void restore() {
        if (registry.activeManagers() == managers) {
            return;
        }
        for (String user : staleUsers) {
            markIfSuspected(registry.admit(user, closed).manager());
        }
        check();
    }

    private void markIfSuspected(Manager manager) {
        if (suspected) {
            registry.suspect(manager);
        }
    }

    private void check() {
        if (registry.activeManagers() != managers) {
            throw new IllegalStateException("expected " + managers + " managers, have " + registry.activeManagers());
        }
    }
}
