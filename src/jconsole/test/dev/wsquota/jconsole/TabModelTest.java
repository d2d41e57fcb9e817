package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.FactoryConnection;
import dev.wsquota.jconsole.model.Outcome;
import dev.wsquota.jconsole.model.Poll;
import dev.wsquota.jconsole.model.TabModel;
import dev.wsquota.jconsole.model.UserColumn;
import dev.wsquota.jconsole.model.UserRow;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tab's model against a stand-in MXBean (the real interface) on a private MBeanServer: no server, no display. */
class TabModelTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final FakeFactory fake = new FakeFactory();
    private final TabModel model = new TabModel(() -> server);

    @BeforeEach
    void register() throws Exception {
        server.registerMBean(fake, FactoryConnection.NAME);
        fake.counts.putAll(Map.of("alice", 2, "bob", 5, "carol", 1));
        fake.overrides.put("carol", 1);
        fake.managers.put("alice", List.of(new ManagerRow("m-1", "127.0.0.1", new Date(0), 4, 3, 2),
                new ManagerRow("m-2", "127.0.0.2", new Date(1000), 0, 0, 1)));
    }

    @Test
    void aJvmWithoutTheMBeanIsSaidPlainly() throws Exception {
        server.unregisterMBean(FactoryConnection.NAME);
        Poll poll = model.poll(null);
        assertEquals(Poll.State.ABSENT, poll.state());
        assertEquals("This JVM has no dev.wsquota:type=ManagerFactory MBean: wsquota is not deployed here, or not started yet.",
                poll.message());
        assertEquals(Poll.State.FAILED, new TabModel(() -> null).poll(null).state());
    }

    @Test
    void onePollReadsRowsWithTheOverrideMarkedAndTheSelectedUsersManagers() {
        Poll poll = model.poll("alice");
        assertEquals(Poll.State.PRESENT, poll.state(), poll.message());
        model.apply(poll);
        assertEquals(List.of(new UserRow("alice", 2, 5, false, 30, 2, 20, 40, 4_096),
                new UserRow("bob", 5, 5, false, 30, 2, 50, 100, 0),
                new UserRow("carol", 1, 1, true, 30, 2, 10, 20, 0)), model.users().rows());
        model.users().sortBy(UserColumn.QUEUED_BYTES);
        assertEquals(4_096L, UserColumn.QUEUED_BYTES.cell(model.users().row(0)), "the fullest queue first");
        assertEquals(20L, UserColumn.MESSAGES_IN.cell(model.users().row(0)));
        assertEquals(40L, UserColumn.MESSAGES_OUT.cell(model.users().row(0)));
        assertEquals(2, model.users().usersAtQuota());
        assertEquals(List.of("m-1", "m-2"), poll.managers().stream().map(m -> m.managerId()).toList());
        assertEquals("127.0.0.1", poll.managers().get(0).remoteAddress());
        assertEquals("8 of 10000 (cap)", model.header().managers());
        assertEquals("3 (2 at quota), default quota 5", model.header().users());
        assertTrue(model.header().cleanup().contains("every 60 s, on time, failures 0, 7 runs, last gave back 1"),
                model.header().cleanup());
    }

    @Test
    void theHeaderShowsTheClusterViewWhenTheJvmHasOne() throws Exception {
        model.apply(model.poll(null));
        assertEquals("not available (this wsquota has no dev.wsquota:type=Cluster)", model.header().cluster());

        FakeCluster cluster = new FakeCluster();
        server.registerMBean(cluster, FactoryConnection.CLUSTER);
        Thread.sleep(5); // a later snapshot
        model.apply(model.poll(null));
        assertEquals("wsquota-test: 2 members (at least 2 to admit), this one 127.0.0.1:16711, 4 managers cluster-wide, "
                + "lease 6 s renewed 1.5 s ago, fencings 0, renewal failures 0", model.header().cluster());
        assertFalse(model.header().clusterAlarm());
        cluster.fenced = true;
        Thread.sleep(5);
        model.apply(model.poll(null));
        assertTrue(model.header().cluster().contains("FENCED (admits nobody)"), model.header().cluster());
        assertTrue(model.header().clusterAlarm());
    }

    @Test
    void theClusterViewsNotificationsAreListedToo() throws Exception {
        model.poll(null);
        FakeCluster cluster = new FakeCluster();
        server.registerMBean(cluster, FactoryConnection.CLUSTER); // after the factory's: picked up on the next refresh
        model.poll(null);
        cluster.send("wsquota.cluster.fenced", "this node fenced itself");
        assertEquals("this node fenced itself", model.notifications().latest().get(0).message());
        model.poll(null);
        cluster.send("wsquota.cluster.fenced", "again");
        assertEquals(1, model.notifications().latest().stream().filter(e -> e.message().equals("again")).count(),
                "subscribed once");
    }

    @Test
    void theSecondPollGivesRatesAndChartPoints() throws Exception {
        model.apply(model.poll(null));
        assertNull(model.charts().get(1).points(TabModel.ADMISSIONS).stream().findAny().orElse(null), "no rate from one poll");
        fake.admissions = 40;
        fake.limitHits = 10;
        fake.rejections.put("USER_QUOTA", 10L);
        fake.releases.put("IDLE", 20L);
        Thread.sleep(200); // a measurable interval between the two snapshots
        model.apply(model.poll(null));
        double seconds = model.rates().seconds();
        assertTrue(seconds >= 0.2, "interval " + seconds);
        assertEquals(40 / seconds, model.rates().admissions(), 1e-9);
        assertEquals(10 / seconds, model.rates().limitHits(), 1e-9);
        assertEquals(40 / seconds, model.charts().get(1).latest(TabModel.ADMISSIONS), 1e-9);
        assertEquals(10 / seconds, model.charts().get(1).latest(TabModel.REJECTIONS), 1e-9);
        assertEquals(20 / seconds, model.charts().get(2).latest("IDLE"), 1e-9);
        assertEquals(8.0, model.charts().get(0).latest(TabModel.ACTIVE_MANAGERS));
        assertTrue(model.header().limitHits().endsWith("/s now (10 since start)"), model.header().limitHits());
    }

    @Test
    void notificationsArriveInTheLogAndAreSubscribedAgainAfterTheMBeanCameBack() throws Exception {
        model.poll(null);
        fake.send(ManagerFactoryMXBean.LIMIT_HIT, "quota exceeded: 5/5 managers for bob");
        assertEquals(1, model.notifications().latest().size());
        assertEquals(ManagerFactoryMXBean.LIMIT_HIT, model.notifications().latest().get(0).type());

        server.unregisterMBean(FactoryConnection.NAME);
        assertEquals(Poll.State.ABSENT, model.poll(null).state());
        FakeFactory again = new FakeFactory();
        server.registerMBean(again, FactoryConnection.NAME);
        model.poll(null);
        again.send(ManagerFactoryMXBean.ADMIN, "MaxManagersPerUser changed from 5 to 3");
        assertEquals("MaxManagersPerUser changed from 5 to 3", model.notifications().latest().get(0).message(),
                "newest first, from the new MBean");
        model.poll(null);
        again.send(ManagerFactoryMXBean.ADMIN, "once");
        assertEquals(1, model.notifications().latest().stream().filter(e -> e.message().equals("once")).count(),
                "subscribed once, not once per poll");
    }

    @Test
    void actionsShowTheOperationsResultOrTheRefusalsMessage() {
        assertEquals(Outcome.done("forceCleanup(): 2 slots given back"), model.actions().forceCleanup());
        assertEquals(Outcome.done("forceCleanupUser(bob): 1 slot given back"), model.actions().forceCleanupUser("bob"));
        assertEquals(Outcome.done("quota of bob set to 3 (was the default)"), model.actions().setUserQuota("bob", "3"));
        assertEquals(Outcome.done("quota of bob back to the default (was 3)"), model.actions().clearUserQuota("bob"));
        assertEquals(Outcome.done("disconnectUser(bob): 5 managers closed"), model.actions().disconnectUser("bob"));
        assertEquals(Outcome.done("closed manager m-1"), model.actions().closeManager("m-1"));

        Outcome refused = model.actions().setUserQuota("alice", "0");
        assertEquals(Outcome.refused("setUserQuota refused: quota of a user must be between 1 and 1000000, was 0"), refused);
        assertEquals(Map.of("carol", 1), fake.overrides, "nothing changed");
        int calls = fake.calls.size();
        assertEquals(Outcome.Kind.REFUSED, model.actions().setUserQuota("alice", "five").kind());
        assertEquals(calls, fake.calls.size(), "a non-number is not sent");
        assertEquals(Outcome.refused("forceCleanupUser refused: user must be a non-blank name"),
                model.actions().forceCleanupUser(" "));
    }

    @Test
    void aFailedCallSaysWhyInsteadOfLookingLikeARefusal() throws Exception {
        server.unregisterMBean(FactoryConnection.NAME);
        Outcome outcome = model.actions().forceCleanup();
        assertEquals(Outcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.text().startsWith("forceCleanup failed: InstanceNotFoundException"), outcome.text());
    }
}
