package dev.wsquota.jconsole.model;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the wsquota tab shows, without Swing. {@link #poll} does the JMX reads (call it off the Swing
 * thread); {@link #apply} folds a poll into the users table, rates, charts and header (call it on the Swing
 * thread, the only one that touches this state).
 */
public final class TabModel {

    /** The message the tab shows when the connected JVM has no wsquota. */
    public static final String ABSENT = "This JVM has no " + FactoryConnection.NAME
            + " MBean: wsquota is not deployed here, or not started yet.";
    /** How far back the charts go. */
    public static final long CHART_WINDOW_MILLIS = 10 * 60_000L;
    public static final String ACTIVE_MANAGERS = "active managers";
    public static final String ADMISSIONS = "admissions/s";
    public static final String REJECTIONS = "rejections/s";

    private final Supplier<MBeanServerConnection> connections;
    private final NotificationLog notifications = new NotificationLog(500);
    private final UsersTable users = new UsersTable();
    private final TimeSeries activeManagers = new TimeSeries("Active managers", "managers", CHART_WINDOW_MILLIS,
            List.of(ACTIVE_MANAGERS));
    private final TimeSeries admissions = new TimeSeries("Admissions and rejections per second", "/s",
            CHART_WINDOW_MILLIS, List.of(ADMISSIONS, REJECTIONS));
    private final TimeSeries releases = new TimeSeries("Releases per second by cause", "/s", CHART_WINDOW_MILLIS,
            List.of());

    private MBeanServerConnection subscribedTo; // guarded by this; the poll threads share it
    private boolean clusterSubscribed; // guarded by this
    private Snapshot previous;
    private Rates rates = Rates.UNKNOWN;
    private Header header;

    /** @param connections the current connection (JConsole's context may replace it on reconnect); null = none */
    public TabModel(Supplier<MBeanServerConnection> connections) {
        this.connections = connections;
    }

    /** Reads the MXBean: blocking, off the Swing thread. Never throws: a failure is a FAILED poll saying why. */
    public Poll poll(String selectedUser) {
        MBeanServerConnection connection = connections.get();
        if (connection == null) {
            return Poll.failed("not connected");
        }
        FactoryConnection factory = new FactoryConnection(connection);
        try {
            if (!factory.isPresent()) {
                forgetSubscription();
                return Poll.absent(ABSENT);
            }
            String warning = subscribe(factory);
            Snapshot snapshot = factory.snapshot();
            List<ManagerLine> managers = selectedUser == null ? List.of() : factory.listManagers(selectedUser);
            return Poll.present(snapshot, selectedUser, managers, warning);
        } catch (IOException | JMException | RuntimeException e) {
            return Poll.failed("reading " + FactoryConnection.NAME + " failed: " + e);
        }
    }

    /** The selected user's managers alone (on a new selection), off the Swing thread. */
    public List<ManagerLine> managersOf(String user) throws IOException, JMException {
        return new FactoryConnection(connections.get()).listManagers(user);
    }

    /** The actions on the current connection. */
    public AdminActions actions() {
        return new AdminActions(new FactoryConnection(connections.get()));
    }

    /** Folds a poll into the state; on the Swing thread. Returns what happened to the visible user rows. */
    public TableChange apply(Poll poll) {
        if (poll.state() != Poll.State.PRESENT) {
            return TableChange.NONE;
        }
        Snapshot snapshot = poll.snapshot();
        if (previous != null && snapshot.takenAtMillis() <= previous.takenAtMillis()) {
            return TableChange.NONE; // an older poll finished late: keep the newer state
        }
        rates = previous == null ? Rates.UNKNOWN : Rates.between(previous, snapshot);
        previous = snapshot;
        TableChange change = users.update(snapshot.users());
        long now = snapshot.takenAtMillis();
        activeManagers.record(now, Map.of(ACTIVE_MANAGERS, (double) snapshot.activeManagers()));
        if (rates.known()) {
            Map<String, Double> flow = new LinkedHashMap<>();
            flow.put(ADMISSIONS, rates.admissions());
            flow.put(REJECTIONS, rates.rejections());
            admissions.record(now, flow);
            releases.record(now, rates.releasesByCause());
        }
        header = Header.of(snapshot, rates, users.usersAtQuota());
        return change;
    }

    public UsersTable users() {
        return users;
    }

    public NotificationLog notifications() {
        return notifications;
    }

    /** The three live charts: active managers, admissions and rejections per second, releases per second by cause. */
    public List<TimeSeries> charts() {
        return List.of(activeManagers, admissions, releases);
    }

    /** The latest rates, UNKNOWN before the second poll. */
    public Rates rates() {
        return rates;
    }

    /** The header of the latest poll, or null before the first. */
    public Header header() {
        return header;
    }

    /** Subscribes the notification log once per connection (and again after the MBean came back). */
    private synchronized String subscribe(FactoryConnection factory) {
        try {
            if (subscribedTo != factory.connection()) {
                factory.subscribe(notifications);
                subscribedTo = factory.connection();
                clusterSubscribed = false;
            }
            if (!clusterSubscribed) {
                // the cluster MXBean may register a moment after the factory's: asked again on every refresh until it
                // is there
                clusterSubscribed = factory.subscribeCluster(notifications);
            }
            return "";
        } catch (IOException | JMException | RuntimeException e) {
            return "notifications not subscribed (retried on the next refresh): " + e;
        }
    }

    private synchronized void forgetSubscription() {
        // The MBean is gone, and its listeners with it; subscribe again when it comes back.
        subscribedTo = null;
        clusterSubscribed = false;
    }

    /** Removes the notification listener; called when JConsole disposes of the plugin. */
    public synchronized void close() {
        if (subscribedTo != null) {
            try {
                FactoryConnection factory = new FactoryConnection(subscribedTo);
                factory.unsubscribe(notifications);
                if (clusterSubscribed) {
                    factory.unsubscribeCluster(notifications);
                }
            } catch (IOException | JMException | RuntimeException e) {
                // The connection is closing with JConsole: the server drops the listener with it.
                System.err.println("wsquota plugin: could not remove the notification listener: " + e);
            }
            subscribedTo = null;
            clusterSubscribed = false;
        }
    }
}
