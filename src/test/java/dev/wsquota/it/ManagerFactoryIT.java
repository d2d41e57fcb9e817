package dev.wsquota.it;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.it.support.Admissions;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.TimerProbe;
import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.FakeConnection;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.ejb.EJB;
import javax.management.JMX;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factory EJB, its timer and its MXBean, inside the running Liberty. */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
class ManagerFactoryIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("factory")
                .addClasses(FakeConnection.class, TimerProbe.class, Await.class, Admissions.class);
    }

    @EJB
    private ManagerFactory factory;

    @EJB
    private TimerProbe timers;

    private ManagerFactoryMXBean mxbean;
    private int probeAfterSeconds;

    @BeforeEach
    void proxy() {
        mxbean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ManagerFactoryAdmin.OBJECT_NAME,
                ManagerFactoryMXBean.class);
        probeAfterSeconds = mxbean.getProbeAfterSeconds();
        mxbean.setProbeAfterSeconds(Admissions.NO_PROBE_SECONDS);
    }

    @AfterEach
    void restoreSettings() {
        mxbean.setCleanupIntervalSeconds(2);
        mxbean.setIdleTimeoutSeconds(300);
        mxbean.setMaxManagersPerUser(5);
        mxbean.setProbeAfterSeconds(probeAfterSeconds);
    }

    @Test
    void theFactoryEnforcesTheQuotaPerUser() {
        for (int i = 1; i <= 5; i++) {
            assertTrue(Admissions.request(factory, "quota-user", new FakeConnection()).isAdmitted());
        }
        Admission sixth = Admissions.request(factory, "quota-user", new FakeConnection());
        assertEquals(Admission.Outcome.USER_QUOTA, sixth.outcome());
        assertEquals("quota exceeded: 5/5 managers for quota-user", sixth.rejectReason());
        assertTrue(Admissions.request(factory, "other-user", new FakeConnection()).isAdmitted());
        assertEquals(5, factory.readings().countOf("quota-user"));
    }

    @Test
    void theCleanupTimerExistsAndFiresInTheTestEnvironment() {
        assertTrue(mxbean.isTimerActive());
        assertEquals("", mxbean.getTimerError());
        assertEquals(2, mxbean.getCleanupIntervalSeconds(), "arquillian.xml sets a 2 s interval");
        long before = mxbean.getCleanupRuns();
        Await.until("two more timer runs", Duration.ofSeconds(15), mxbean::getCleanupRuns, runs -> runs >= before + 2);
        assertTrue(mxbean.getLastCleanupTime().getTime() > System.currentTimeMillis() - 5_000);
    }

    @Test
    void changingTheIntervalThroughTheMXBeanReschedulesTheTimer() {
        mxbean.setCleanupIntervalSeconds(86_400);
        List<Long> next = timers.millisUntilNext(ManagerFactory.CLEANUP_TIMER);
        assertEquals(1, next.size(), "exactly one cleanup timer: " + next);
        assertTrue(next.get(0) <= 2_000L, "a longer interval keeps the run the 2 s one had planned, was in "
                + next.get(0) + " ms");
        long planned = mxbean.getCleanupRuns();
        Await.until("the planned run", Duration.ofSeconds(10), mxbean::getCleanupRuns, runs -> runs > planned);
        Await.until("next run in a day", Duration.ofSeconds(5), () ->
                timers.millisUntilNext(ManagerFactory.CLEANUP_TIMER),
                after -> after.size() == 1 && after.get(0) > 86_000_000L);

        mxbean.setCleanupIntervalSeconds(1);
        next = timers.millisUntilNext(ManagerFactory.CLEANUP_TIMER);
        assertEquals(1, next.size(), "the old timer is gone: " + next);
        assertTrue(next.get(0) <= 1_000L, "next run within a second, was in " + next.get(0) + " ms");
        long before = mxbean.getCleanupRuns();
        Await.until("runs at the new interval", Duration.ofSeconds(10), mxbean::getCleanupRuns, runs -> runs >= before
                + 2);
    }

    @Test
    void forceCleanupReclaimsClosedSessionsAndSaysHowMany() {
        FakeConnection leaked = new FakeConnection();
        FakeConnection alive = new FakeConnection();
        Admissions.request(factory, "cleanup-user", leaked);
        Admissions.request(factory, "cleanup-user", alive);
        leaked.open = false;
        assertEquals(1, mxbean.forceCleanup());
        assertEquals(1, factory.readings().countOf("cleanup-user"));
        assertEquals(1, mxbean.getLastCleanupReclaimed());
        assertTrue(alive.open);
    }

    @Test
    void idleManagersAreClosedWith1001AndReclaimed() {
        mxbean.setIdleTimeoutSeconds(1);
        FakeConnection idle = new FakeConnection();
        Admissions.request(factory, "idle-user", idle);
        Await.until("the idle manager is reclaimed", Duration.ofSeconds(10), () -> factory.readings()
                .countOf("idle-user"), n -> n == 0);
        assertEquals(1001, idle.closeCode);
        assertEquals("idle for more than 1 s", idle.closeReason);
    }

    @Test
    void aFailureOnOneManagerIsCountedAndTheTimerKeepsRunning() {
        FakeConnection broken = new FakeConnection();
        broken.failOnIsOpen = true;
        FakeConnection leaked = new FakeConnection();
        Admissions.request(factory, "broken-user", broken);
        Admissions.request(factory, "leaky-user", leaked);
        leaked.open = false;
        long failuresBefore = mxbean.getCleanupFailures();

        assertEquals(1, mxbean.forceCleanup(), "the leaked one is reclaimed despite the broken one");
        assertTrue(mxbean.getCleanupFailures() >= failuresBefore + 1);

        long runs = mxbean.getCleanupRuns();
        Await.until("timer runs after the failure", Duration.ofSeconds(10), mxbean::getCleanupRuns, r -> r >= runs + 1);
        assertTrue(mxbean.isTimerActive());
        broken.failOnIsOpen = false;
        broken.open = false;
        mxbean.forceCleanup();
        assertEquals(0, factory.readings().countOf("broken-user"));
    }

    @Test
    void badValuesAreRefusedWithAReadableJdkException() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> mxbean.setMaxManagersPerUser(0));
        assertEquals("MaxManagersPerUser must be between 1 and 1000000, was 0", refused.getMessage());
        assertNull(refused.getCause());
        assertEquals(5, mxbean.getMaxManagersPerUser());
        assertThrows(IllegalArgumentException.class, () -> mxbean.setCleanupIntervalSeconds(0));
        assertThrows(IllegalArgumentException.class, () -> mxbean.setCleanupIntervalSeconds(86_401));
        assertThrows(IllegalArgumentException.class, () -> mxbean.setMaxManagersTotal(-1));
        assertEquals(2, mxbean.getCleanupIntervalSeconds());
        assertFalse(mxbean.getUserManagerCounts().containsKey(""));
    }
}
