package dev.wsquota.jconsole.model;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin's only door to the server: reads and calls {@code dev.wsquota:type=ManagerFactory} by attribute and
 * operation name through a plain {@link MBeanServerConnection}, so the plugin needs no wsquota class and works
 * over any connector JConsole has (local RMI, Liberty's REST connector).
 */
public final class FactoryConnection {

    /** The MXBean's name; the plugin's tab shows only when the connected JVM has it. */
    public static final ObjectName NAME = objectName("dev.wsquota:type=ManagerFactory");
    /** The cluster view's MXBean; a wsquota without clustering has none. */
    public static final ObjectName CLUSTER = objectName("dev.wsquota:type=Cluster");

    private static final String[] SNAPSHOT_ATTRIBUTES = {
            "ActiveManagers", "MaxManagersTotal", "ActiveUsers", "MaxManagersPerUser", "Admissions", "LimitHits",
            "RejectionsByReason", "ReleasesByCause", "LastCleanupTime", "NextCleanupTime", "CleanupLate",
            "TimerActive", "TimerError", "CleanupRuns", "LastCleanupReclaimed", "CleanupFailures",
            "ConsecutiveCleanupFailures", "CleanupIntervalSeconds", "UserQuotaOverrides", "Users", "UserMessages"};
    private static final String[] CLUSTER_ATTRIBUTES = {"Enabled", "ClusterName", "LocalMember", "MemberCount",
            "MinMembers", "LeaseSeconds", "MillisSinceRenewal", "Fenced", "Fencings", "RenewalFailures",
            "ActiveManagers"};
    private static final String[] STRING = {String.class.getName()};

    private final MBeanServerConnection connection;

    public FactoryConnection(MBeanServerConnection connection) {
        this.connection = connection;
    }

    public MBeanServerConnection connection() {
        return connection;
    }

    /** True when the connected JVM has the wsquota MXBean (the app is deployed and started). */
    public boolean isPresent() throws IOException {
        return connection.isRegistered(NAME);
    }

    /** Reads every attribute the tab shows in one round trip. */
    public Snapshot snapshot() throws IOException, JMException {
        Map<String, Object> values = read(NAME, SNAPSHOT_ATTRIBUTES);
        Map<String, Long> overrides = longMap((TabularData) values.get("UserQuotaOverrides"));
        Map<String, CompositeData> messages = new HashMap<>();
        for (CompositeData row : (CompositeData[]) values.get("UserMessages")) {
            messages.put((String) row.get("user"), row);
        }
        List<UserRow> users = new ArrayList<>();
        for (CompositeData row : (CompositeData[]) values.get("Users")) {
            String user = (String) row.get("user");
            CompositeData mine = messages.get(user); // none: the user's last manager closed between the two reads
            users.add(new UserRow(user, (Integer) row.get("active"), (Integer) row.get("quota"),
                    overrides.containsKey(user), (Long) row.get("oldestManagerAgeSeconds"),
                    (Long) row.get("lastActivitySecondsAgo"), item(mine, "messagesIn"), item(mine, "messagesOut"),
                    item(mine, "queuedBytes")));
        }
        Snapshot.CleanupHealth cleanup = new Snapshot.CleanupHealth(
                (Date) values.get("LastCleanupTime"), (Date) values.get("NextCleanupTime"),
                (Boolean) values.get("CleanupLate"), (Boolean) values.get("TimerActive"),
                (String) values.get("TimerError"), (Long) values.get("CleanupRuns"),
                (Integer) values.get("LastCleanupReclaimed"), (Long) values.get("CleanupFailures"),
                (Long) values.get("ConsecutiveCleanupFailures"), (Integer) values.get("CleanupIntervalSeconds"));
        return new Snapshot(System.currentTimeMillis(), cluster(), (Integer) values.get("ActiveManagers"),
                (Integer) values.get("MaxManagersTotal"), (Integer) values.get("ActiveUsers"),
                (Integer) values.get("MaxManagersPerUser"), (Long) values.get("Admissions"),
                (Long) values.get("LimitHits"), longMap((TabularData) values.get("RejectionsByReason")),
                longMap((TabularData) values.get("ReleasesByCause")), cleanup, users);
    }

    private static long item(CompositeData row, String name) {
        return row == null ? 0 : (Long) row.get(name);
    }

    /** The cluster view, or null when the JVM has no cluster MXBean. */
    public ClusterView cluster() throws IOException, JMException {
        if (!connection.isRegistered(CLUSTER)) {
            return null;
        }
        Map<String, Object> values = read(CLUSTER, CLUSTER_ATTRIBUTES);
        return new ClusterView((Boolean) values.get("Enabled"), (String) values.get("ClusterName"),
                (String) values.get("LocalMember"), (Integer) values.get("MemberCount"),
                (Integer) values.get("MinMembers"), (Integer) values.get("LeaseSeconds"),
                (Long) values.get("MillisSinceRenewal"), (Boolean) values.get("Fenced"), (Long) values.get("Fencings"),
                (Long) values.get("RenewalFailures"), (Integer) values.get("ActiveManagers"));
    }

    /** {@code listManagers(user)}: the user's live managers, oldest first. */
    public List<ManagerLine> listManagers(String user) throws IOException, JMException {
        CompositeData[] rows = (CompositeData[]) invoke("listManagers", new Object[]{user}, STRING);
        List<ManagerLine> lines = new ArrayList<>(rows.length);
        for (CompositeData row : rows) {
            lines.add(new ManagerLine((String) row.get("managerId"), (String) row.get("remoteAddress"),
                    (Date) row.get("openedAt"), (Long) row.get("idleSeconds"), (Long) row.get("messagesIn"),
                    (Long) row.get("messagesOut")));
        }
        return lines;
    }

    /** The attributes in one round trip. */
    private Map<String, Object> read(ObjectName bean, String[] names) throws IOException, JMException {
        AttributeList list = connection.getAttributes(bean, names);
        Map<String, Object> values = new HashMap<>();
        for (Attribute attribute : list.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        for (String name : names) {
            if (!values.containsKey(name)) {
                // getAttributes leaves out what it could not read; fetch it alone so its exception names the cause.
                values.put(name, connection.getAttribute(bean, name));
            }
        }
        return values;
    }

    /** Runs an operation of the MXBean. */
    public Object invoke(String operation, Object[] params, String[] signature) throws IOException, JMException {
        return connection.invoke(NAME, operation, params, signature);
    }

    /** Subscribes to every notification of the factory's MXBean. */
    public void subscribe(NotificationListener listener) throws IOException, InstanceNotFoundException {
        connection.addNotificationListener(NAME, listener, null, null);
    }

    /** Subscribes to the cluster view's notifications (membership, fencing); false when the JVM has no cluster MXBean. */
    public boolean subscribeCluster(NotificationListener listener) throws IOException, InstanceNotFoundException {
        if (!connection.isRegistered(CLUSTER)) {
            return false;
        }
        connection.addNotificationListener(CLUSTER, listener, null, null);
        return true;
    }

    /** Undoes {@link #subscribe}. */
    public void unsubscribe(NotificationListener listener)
            throws IOException, InstanceNotFoundException, ListenerNotFoundException {
        connection.removeNotificationListener(NAME, listener);
    }

    /** Undoes {@link #subscribeCluster}. */
    public void unsubscribeCluster(NotificationListener listener)
            throws IOException, InstanceNotFoundException, ListenerNotFoundException {
        connection.removeNotificationListener(CLUSTER, listener);
    }

    /** A {@code Map<String, Integer|Long>} attribute, which JMX carries as TabularData of key/value rows. */
    static Map<String, Long> longMap(TabularData table) {
        Map<String, Long> map = new HashMap<>();
        if (table == null) {
            return map;
        }
        for (Object row : table.values()) {
            CompositeData entry = (CompositeData) row;
            map.put((String) entry.get("key"), ((Number) entry.get("value")).longValue());
        }
        return map;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException("constant MBean name does not parse: " + name, e);
        }
    }
}
