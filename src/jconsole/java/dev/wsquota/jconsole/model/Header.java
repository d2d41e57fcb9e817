package dev.wsquota.jconsole.model;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;

/**
 * The header lines of the tab, as text: managers of the cap, users, limit hits per second now, and the cleanup
 * timer's health. {@code alarm} is true when the timer needs an operator (missing, late, or failing).
 *
 * @param managers  e.g. "12 of 10000 (cap)"
 * @param users     e.g. "4 (1 at quota), default quota 5"
 * @param limitHits e.g. "0.50 /s now (37 since start)"
 * @param cleanup   e.g. "last 13:05:02 (1 s ago), next 13:05:04, on time, failures 0, timer active"
 * @param alarm     the cleanup line needs attention
 * @param cluster   the cluster's members, lease and fencing, or "off"
 * @param clusterAlarm the cluster line needs attention (fenced, too few members)
 */
public record Header(String managers, String users, String limitHits, String cleanup, boolean alarm, String cluster,
                     boolean clusterAlarm) {

    public static Header of(Snapshot snapshot, Rates rates, long usersAtQuota) {
        Snapshot.CleanupHealth cleanup = snapshot.cleanup();
        String managers = snapshot.activeManagers() + " of " + snapshot.maxManagersTotal() + " (cap)";
        String users = snapshot.activeUsers() + " (" + usersAtQuota + " at quota), default quota "
                + snapshot.maxManagersPerUser();
        String hits = (rates.known() ? String.format(Locale.ROOT, "%.2f /s now", rates.limitHits()) : "- /s now")
                + " (" + snapshot.limitHits() + " since start)";
        StringBuilder line = new StringBuilder();
        line.append("last ").append(time(cleanup.lastRun(), snapshot.takenAtMillis()));
        line.append(", next ").append(cleanup.nextRun() == null ? "none (timer missing)" : clock(cleanup.nextRun()));
        line.append(", every ").append(cleanup.intervalSeconds()).append(" s");
        line.append(cleanup.late() ? ", LATE" : ", on time");
        line.append(", failures ").append(cleanup.failures());
        if (cleanup.consecutiveFailures() > 0) {
            line.append(" (").append(cleanup.consecutiveFailures()).append(" passes in a row)");
        }
        line.append(", ").append(cleanup.runs()).append(" runs, last gave back ").append(cleanup.lastReclaimed());
        if (!cleanup.timerActive()) {
            line.append(", TIMER MISSING");
        }
        if (cleanup.timerError() != null && !cleanup.timerError().isEmpty()) {
            line.append(": ").append(cleanup.timerError());
        }
        boolean alarm = cleanup.late() || !cleanup.timerActive() || cleanup.consecutiveFailures() > 0;
        ClusterView view = snapshot.cluster();
        String cluster = view == null ? "not available (this wsquota has no " + FactoryConnection.CLUSTER + ")"
                : view.describe();
        return new Header(managers, users, hits, line.toString(), alarm, cluster, view != null && view.alarm());
    }

    private static String time(Date when, long now) {
        if (when == null) {
            return "never";
        }
        long ago = Math.max(0, (now - when.getTime()) / 1000);
        return clock(when) + " (" + Durations.format(ago) + " ago)";
    }

    /** Local wall-clock time, as JConsole's own charts show it. */
    public static String clock(Date when) {
        return new SimpleDateFormat("HH:mm:ss").format(when);
    }
}
