package dev.wsquota.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The ledger's background scheduler in unit tests: daemon threads, so a test JVM never waits for them. */
final class DaemonScheduler {

    static final ScheduledExecutorService INSTANCE = Executors.newScheduledThreadPool(2, task -> {
        Thread thread = new Thread(task, "ledger-test-background");
        thread.setDaemon(true);
        return thread;
    });

    private DaemonScheduler() {
    }
}
