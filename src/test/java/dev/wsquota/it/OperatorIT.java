package dev.wsquota.it;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.it.support.Admissions;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.TimerProbe;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.FakeConnection;
import dev.wsquota.quota.UserView;
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
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator surface inside the running Liberty, through the MXBean proxy JConsole would use. */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
class OperatorIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("operator")
                .addClasses(FakeConnection.class, TimerProbe.class, Await.class, Admissions.class,
                        WsClient.class);
    }

    @EJB
    private ManagerFactory factory;

    @EJB
    private TimerProbe timers;

    private ManagerFactoryMXBean mxbean;
    private int probeAfterSeconds;
    private final List<Notification> received = new CopyOnWriteArrayList<>();
    private final NotificationListener listener = (notification, handback) -> received.add(notification);
    private final List<FakeConnection> connections = new ArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        mxbean = JMX.newMXBeanProxy(server, ManagerFactoryAdmin.OBJECT_NAME, ManagerFactoryMXBean.class, true);
        probeAfterSeconds = mxbean.getProbeAfterSeconds();
        mxbean.setProbeAfterSeconds(Admissions.NO_PROBE_SECONDS); // before listening: no test sees its audit
        server.addNotificationListener(ManagerFactoryAdmin.OBJECT_NAME, listener, null, null);
    }

    @AfterEach
    void cleanUp() throws Exception {
        ManagementFactory.getPlatformMBeanServer()
                .removeNotificationListener(ManagerFactoryAdmin.OBJECT_NAME, listener);
        connections.forEach(connection -> connection.open = false);
        mxbean.forceCleanup();
        for (String user : mxbean.getUserQuotaOverrides().keySet()) {
            mxbean.clearUserQuota(user);
        }
        mxbean.setMaxManagersPerUser(5);
        mxbean.setProbeAfterSeconds(probeAfterSeconds);
    }

    private FakeConnection admit(String user) {
        FakeConnection connection = new FakeConnection();
        assertTrue(Admissions.request(factory, user, connection).isAdmitted(), user + " admitted");
        connections.add(connection);
        return connection;
    }

    private List<Notification> ofType(String type) {
        return received.stream().filter(n -> n.getType().equals(type)).toList();
    }

    private Notification awaitNotification(String type) {
        return Await.until(type + " notification", Duration.ofSeconds(15), () -> ofType(type), list -> !list.isEmpty())
                .get(0);
    }

    @Test
    void theUsersTableShowsCountQuotaAgeAndActivity() throws Exception {
        admit("table-a");
        admit("table-a");
        admit("table-b");
        mxbean.setUserQuota("table-b", 2);

        Map<String, UserView> users = mxbean.getUsers().stream().collect(Collectors.toMap(UserView::user, row -> row));
        UserView a = users.get("table-a");
        UserView b = users.get("table-b");
        assertEquals(2, a.active());
        assertEquals(5, a.quota());
        assertEquals(1, b.active());
        assertEquals(2, b.quota());
        assertEquals(Map.of("table-b", 2), mxbean.getUserQuotaOverrides());

        // What JConsole gets: open data, one CompositeData per user with these items.
        CompositeData[] raw = (CompositeData[]) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(ManagerFactoryAdmin.OBJECT_NAME, "Users");
        CompositeData rawA = java.util.Arrays.stream(raw).filter(row -> "table-a".equals(row.get("user"))).findFirst()
                .orElseThrow();
        assertEquals(2, rawA.get("active"));
        assertEquals(java.util.Set.of("user", "active", "quota", "oldestManagerAgeSeconds", "lastActivitySecondsAgo"),
                rawA.getCompositeType().keySet());
    }

    @Test
    void listManagersShowsEachManagerAndCloseManagerClosesOne() {
        admit("list-user");
        FakeConnection second = admit("list-user");
        List<ManagerRow> managers = mxbean.listManagers("list-user");
        assertEquals(2, managers.size());
        for (ManagerRow manager : managers) {
            assertEquals("127.0.0.1:50000", manager.remoteAddress());
            assertNotNull(manager.openedAt(), "a date a person reads");
            assertEquals(0L, manager.messagesIn());
        }
        String newest = managers.get(1).managerId();
        String done = mxbean.closeManager(newest);
        assertTrue(done.startsWith("closed manager " + newest + " of list-user"), done);
        assertEquals(1008, second.closeCode);
        assertEquals(1, factory.readings().countOf("list-user"));
        assertEquals("no live manager with id " + newest + "; nothing changed", mxbean.closeManager(newest));
        assertEquals(0, mxbean.listManagers("nobody-at-all").size());
    }

    @Test
    void loweringAQuotaClosesNobodyRefusesNewOnesAndEnforceQuotasClosesTheNewestExcess() {
        List<FakeConnection> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(admit("lower-user"));
        }
        mxbean.setUserQuota("lower-user", 2);
        assertEquals(5, factory.readings().countOf("lower-user"), "lowering closes nobody");
        five.forEach(connection -> assertTrue(connection.open));
        Admission refused = Admissions.request(factory, "lower-user", new FakeConnection());
        assertEquals("quota exceeded: 5/2 managers for lower-user", refused.rejectReason());

        assertEquals(3, mxbean.enforceQuotas());

        assertEquals(2, factory.readings().countOf("lower-user"));
        assertTrue(five.get(0).open);
        assertTrue(five.get(1).open);
        for (int i = 2; i < 5; i++) {
            assertEquals(1008, five.get(i).closeCode, "newest first");
            assertEquals("over quota: closed by an operator", five.get(i).closeReason);
        }
        assertEquals(0, mxbean.enforceQuotas(), "nothing left to enforce");
        assertEquals("quota of lower-user back to the default (was 2)", mxbean.clearUserQuota("lower-user"));
    }

    @Test
    void disconnectUserAndForceCleanupUserSayWhatTheyDid() {
        FakeConnection one = admit("gone-user");
        admit("gone-user");
        FakeConnection leaked = admit("leaky-user");
        admit("leaky-user");
        leaked.open = false;

        assertEquals(1, mxbean.forceCleanupUser("leaky-user"));
        assertEquals(1, factory.readings().countOf("leaky-user"));
        assertEquals(2, mxbean.disconnectUser("gone-user"));
        assertEquals(0, factory.readings().countOf("gone-user"));
        assertEquals(1008, one.closeCode);
        assertEquals("disconnected by an operator", one.closeReason);
        assertEquals(0, mxbean.disconnectUser("gone-user"));
    }

    @Test
    void everyWriteIsAuditedAsANotificationWithOldAndNewValue() {
        mxbean.setMaxManagersPerUser(7);
        Notification admin = awaitNotification(ManagerFactoryMXBean.ADMIN);
        CompositeData data = (CompositeData) admin.getUserData();
        assertEquals("MaxManagersPerUser", data.get("what"));
        assertEquals("5", data.get("oldValue"));
        assertEquals("7", data.get("newValue"));
        assertFalse(((String) data.get("caller")).isBlank());
        assertTrue(admin.getMessage().contains("MaxManagersPerUser changed from 5 to 7"), admin.getMessage());
    }

    @Test
    void theMBeanInfoListsEveryNotificationTypeAndDescribesTheOperations() throws Exception {
        javax.management.MBeanInfo info = ManagementFactory.getPlatformMBeanServer()
                .getMBeanInfo(ManagerFactoryAdmin.OBJECT_NAME);
        assertEquals(java.util.Set.of(ManagerFactoryMXBean.LIMIT_HIT, ManagerFactoryMXBean.CLEANUP_FAILED,
                        ManagerFactoryMXBean.TIMER_RECREATED, ManagerFactoryMXBean.DRIFT_CORRECTED,
                                ManagerFactoryMXBean.ADMIN),
                java.util.Set.of(info.getNotifications()[0].getNotifTypes()));
        javax.management.MBeanOperationInfo disconnect = java.util.Arrays.stream(info.getOperations())
                .filter(op -> op.getName().equals("disconnectUser")).findFirst().orElseThrow();
        assertEquals("user", disconnect.getSignature()[0].getName(), "JConsole shows the parameter's name, not p0");
    }

    @Test
    void limitHitsAreCoalescedPerUserPerSecond() throws Exception {
        mxbean.setUserQuota("hammer", 1);
        admit("hammer");
        received.clear();
        for (int i = 0; i < 10; i++) {
            assertFalse(Admissions.request(factory, "hammer", new FakeConnection()).isAdmitted());
        }
        Notification first = awaitNotification(ManagerFactoryMXBean.LIMIT_HIT);
        assertEquals(1, ofType(ManagerFactoryMXBean.LIMIT_HIT).size(), "ten hits within a second: one notification");
        assertEquals("hammer", ((CompositeData) first.getUserData()).get("user"));
        Thread.sleep(1_100); // the coalescing window is one second: this waits it out
        assertFalse(Admissions.request(factory, "hammer", new FakeConnection()).isAdmitted());
        Await.until("the next window's notification", Duration.ofSeconds(5),
                () -> ofType(ManagerFactoryMXBean.LIMIT_HIT), list -> list.size() == 2);
        assertEquals(9L, ((CompositeData) ofType(ManagerFactoryMXBean.LIMIT_HIT).get(1).getUserData())
                .get("suppressedSinceLast"));
    }

    @Test
    void aCleanupFailureIsNotified() {
        FakeConnection broken = admit("broken-user");
        broken.failOnIsOpen = true;
        long before = mxbean.getCleanupFailures();
        mxbean.forceCleanup();
        Notification failed = awaitNotification(ManagerFactoryMXBean.CLEANUP_FAILED);
        assertTrue(failed.getMessage().contains("injected failure"), failed.getMessage());
        assertTrue(mxbean.getCleanupFailures() > before);
        assertTrue(mxbean.getConsecutiveCleanupFailures() >= 1);
        broken.failOnIsOpen = false;
    }

    @Test
    void aCancelledTimerIsReportedAndReCreatedByTheWatchdog() {
        long recreations = mxbean.getTimerRecreations();
        assertEquals(1, timers.cancel(ManagerFactory.CLEANUP_TIMER), "the forced failure: the cleanup timer is gone");
        Notification recreated = awaitNotification(ManagerFactoryMXBean.TIMER_RECREATED);
        assertEquals(ManagerFactory.CLEANUP_TIMER, ((CompositeData) recreated.getUserData()).get("timer"));
        assertTrue(mxbean.isTimerActive());
        assertEquals(recreations + 1, mxbean.getTimerRecreations());
        assertEquals(1, timers.millisUntilNext(ManagerFactory.CLEANUP_TIMER).size());
        long runs = mxbean.getCleanupRuns();
        Await.until("the re-created timer runs", Duration.ofSeconds(10), mxbean::getCleanupRuns, r -> r > runs);
        assertNotNull(mxbean.getNextCleanupTime());
        assertFalse(mxbean.isCleanupLate());
    }

    @Test
    void anInjectedDriftIsFoundFixedCountedAndNotified() throws Exception {
        // A real session, so the factory can ask the container which sessions are open.
        try (WsClient real = WsClient.open("alice")) {
            assertTrue(real.admitted());
            FakeConnection phantom = new FakeConnection();
            phantom.sessionId = "no-such-session";
            assertTrue(Admissions.request(factory, "drift-user", phantom).isAdmitted());
            long before = mxbean.getDriftCorrections();

            // The slot goes first, the counter right after: wait for both.
            Await.until("the phantom is released", Duration.ofSeconds(15), () -> factory.readings()
                    .countOf("drift-user"), n -> n == 0);
            Await.until("the correction is counted", Duration.ofSeconds(5), mxbean::getDriftCorrections, n ->
                    n == before + 1);
            Notification drift = awaitNotification(ManagerFactoryMXBean.DRIFT_CORRECTED);
            assertEquals("drift-user", ((CompositeData) drift.getUserData()).get("user"));
            assertEquals(1L, mxbean.getReleasesByCause().get("DRIFT"));
            assertEquals(1, factory.readings().countOf("alice"), "the real, healthy session was not touched");
            assertEquals("still counted", real.echo("still counted"));
        }
    }

    @Test
    void hostileUserIdsThroughJmxOperationsAreDataNotSyntax() throws Exception {
        String hostile = "eve\n,=*\"'type=Evil:x";
        assertEquals("quota of eve\\u000a,=*\"'type=Evil:x set to 2 (was the default)",
                mxbean.setUserQuota(hostile, 2));
        assertEquals(Map.of(hostile, 2), mxbean.getUserQuotaOverrides(), "kept exactly, as a table key");
        assertEquals(0, mxbean.disconnectUser(hostile));
        assertEquals(0, mxbean.listManagers(hostile).size());
        assertEquals(java.util.Set.of(ManagerFactoryAdmin.OBJECT_NAME),
                ManagementFactory.getPlatformMBeanServer()
                        .queryNames(new javax.management.ObjectName("dev.wsquota:type=ManagerFactory,*"), null),
                "no MBean name was built from the user id");
        Notification audit = awaitNotification(ManagerFactoryMXBean.ADMIN);
        assertFalse(audit.getMessage().contains("\n"), "the audit line escapes control characters: "
                + audit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mxbean.setUserQuota("x".repeat(10_240), 2),
                "10 KB id refused");
        mxbean.clearUserQuota(hostile);
    }

    @Test
    void badValuesAreRefusedWithWhatIsAllowedAndChangeNothing() {
        assertEquals("user must be a non-blank name",
                assertThrows(IllegalArgumentException.class, () -> mxbean.setUserQuota(" ", 3)).getMessage());
        assertEquals("user must be at most 256 characters, was 10000",
                assertThrows(IllegalArgumentException.class, () -> mxbean.disconnectUser("u".repeat(10_000)))
                        .getMessage());
        assertEquals("quota of a user must be between 1 and 1000000, was 0",
                assertThrows(IllegalArgumentException.class, () -> mxbean.setUserQuota("alice", 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> mxbean.setUserQuota("alice", 1_000_001));
        assertThrows(IllegalArgumentException.class, () -> mxbean.listManagers(null));
        assertThrows(IllegalArgumentException.class, () -> mxbean.forceCleanupUser(""));
        assertThrows(IllegalArgumentException.class, () -> mxbean.closeManager(""));
        assertThrows(IllegalArgumentException.class, () -> mxbean.setPingIntervalSeconds(86_401));
        assertThrows(IllegalArgumentException.class, () -> mxbean.setProbeTimeoutMillis(0));
        assertTrue(mxbean.getUserQuotaOverrides().isEmpty(), "nothing changed");
        assertNull(ofType(ManagerFactoryMXBean.ADMIN).stream().findAny().orElse(null),
                "a refused write is not a change");
    }
}
