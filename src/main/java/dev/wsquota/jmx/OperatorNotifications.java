package dev.wsquota.jmx;

import dev.wsquota.quota.DriftCheck;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.OperatorEvents;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.wsquota.jmx.ManagerFactoryMXBean.ADMIN;
import static dev.wsquota.jmx.ManagerFactoryMXBean.CLEANUP_FAILED;
import static dev.wsquota.jmx.ManagerFactoryMXBean.DRIFT_CORRECTED;
import static dev.wsquota.jmx.ManagerFactoryMXBean.LIMIT_HIT;
import static dev.wsquota.jmx.ManagerFactoryMXBean.TIMER_RECREATED;

/** The factory MXBean's notifications: what the factory reports as it happens, and the audit records. */
final class OperatorNotifications extends NotificationBroadcasterSupport implements OperatorEvents {

    private static final Logger LOG = Logger.getLogger(OperatorNotifications.class.getName());

    private final AtomicLong sequence = new AtomicLong();

    OperatorNotifications() {
        super(new MBeanNotificationInfo(new String[]{LIMIT_HIT, CLEANUP_FAILED, TIMER_RECREATED, DRIFT_CORRECTED, ADMIN},
                Notification.class.getName(), "wsquota events: limit hits (coalesced per user per second), cleanup "
                + "failures, re-created timers, corrected drift, and an audit record of every operator change"));
    }

    @Override
    public void limitHit(String user, int active, int limit, String reason, long suppressed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", LogSafe.user(user));
        data.put("active", active);
        data.put("limit", limit);
        data.put("suppressedSinceLast", suppressed);
        emit(LIMIT_HIT, reason + (suppressed > 0 ? " (" + suppressed + " more hits suppressed)" : ""), data);
    }

    @Override
    public void cleanupFailed(int failures, String firstError) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("failures", failures);
        data.put("firstError", firstError);
        emit(CLEANUP_FAILED, "cleanup could not clean " + failures + " managers: " + firstError, data);
    }

    @Override
    public void timerRecreated(String timer, String why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("timer", timer);
        data.put("why", why);
        emit(TIMER_RECREATED, "timer " + timer + " " + why, data);
    }

    @Override
    public void driftCorrected(DriftCheck.Correction correction) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", LogSafe.user(correction.user()));
        data.put("managerId", correction.managerId());
        data.put("sessionId", correction.sessionId());
        data.put("what", correction.what());
        emit(DRIFT_CORRECTED, "drift for " + LogSafe.user(correction.user()) + ": " + correction.what(), data);
    }

    /** An operator change: the same text as its audit log line, with what, old and new value and who. */
    void admin(String line, Map<String, ?> data) {
        emit(ADMIN, line, data);
    }

    private void emit(String type, String message, Map<String, ?> data) {
        try {
            Notification notification = new Notification(type, ManagerFactoryAdmin.OBJECT_NAME, sequence.incrementAndGet(),
                    System.currentTimeMillis(), message);
            notification.setUserData(OpenData.details(type, data));
            sendNotification(notification);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not send the JMX notification " + type + ": " + message, e);
        }
    }
}
