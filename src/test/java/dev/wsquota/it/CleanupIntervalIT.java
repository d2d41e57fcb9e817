package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes of CleanupIntervalSeconds from JMX (another JVM, as JConsole) never postpone cleanup: a new interval keeps
 * the run the old one had planned, and a storm of writes still sees cleanup run on time. The IT server runs with
 * a cleanup interval of 2 s.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CleanupIntervalIT {

    private static final int INTERVAL_SECONDS = 2;
    private static final int STORM_SECONDS = 10;
    private static final int WRITES_PER_SECOND = 100;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("cleanupinterval");
    }

    @Test
    void aLongerIntervalKeepsTheRunTheOldOneHadPlanned() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            try {
                Date planned = factory.getNextCleanupTime();
                factory.setCleanupIntervalSeconds(30);
                Date next = factory.getNextCleanupTime();
                assertTrue(!next.after(planned), "next run " + next + " is after the one planned before the write, "
                        + planned);
                long runs = factory.getCleanupRuns();
                Await.until("a cleanup run at the old plan", Duration.ofSeconds(INTERVAL_SECONDS + 8L),
                        factory::getCleanupRuns, now -> now > runs);
            } finally {
                factory.setCleanupIntervalSeconds(INTERVAL_SECONDS);
            }
        }
    }

    @Test
    void cleanupRunsOnTimeDuringAStormOfIntervalWrites() throws Exception {
        try (JmxClient jmx = JmxClient.connect()) {
            ManagerFactoryMXBean factory = jmx.factory();
            try {
                long runsBefore = factory.getCleanupRuns();
                long start = System.nanoTime();
                int writes = 0;
                // Bounded in count and time: 100 writes per second for 10 s, alternating 2 s and 3 s.
                for (int i = 0; i < STORM_SECONDS * WRITES_PER_SECOND; i++) {
                    long due = start + i * (1_000_000_000L / WRITES_PER_SECOND);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (System.nanoTime() - start > Duration.ofSeconds(STORM_SECONDS).toNanos()) {
                        break;
                    }
                    factory.setCleanupIntervalSeconds(INTERVAL_SECONDS + (i % 2));
                    writes++;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long runs = factory.getCleanupRuns() - runsBefore;
                System.out.printf("CleanupIntervalIT: %d interval writes in %.1f s, %d cleanup runs meanwhile%n",
                        writes, seconds, runs);
                // At most 3 s apart, so at least 3 runs in 10 s; a write that rescheduled from now would allow none.
                assertTrue(runs >= (long) (seconds / (INTERVAL_SECONDS + 1)),
                        runs + " cleanup runs during " + writes + " writes in " + seconds + " s");
                assertTrue(writes >= STORM_SECONDS * WRITES_PER_SECOND / 2, "the storm wrote only " + writes
                        + " times");
                assertEquals(false, factory.isCleanupLate(), "cleanup late after the storm");
            } finally {
                factory.setCleanupIntervalSeconds(INTERVAL_SECONDS);
            }
        }
    }
}
