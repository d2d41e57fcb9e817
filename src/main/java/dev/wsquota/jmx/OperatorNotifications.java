package dev.wsquota.jmx;

import dev.wsquota.quota.DriftCheck;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.OperatorEvents;

import dev.wsquota.util.WeakLogger;

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

    private static final Logger LOG = WeakLogger.of(OperatorNotifications.class);

    private final AtomicLong sequence = new AtomicLong();

    OperatorNotifications() {
        super(new MBeanNotificationInfo(
                new String[]{LIMIT_HIT, CLEANUP_FAILED, TIMER_RECREATED, DRIFT_CORRECTED, ADMIN},
                Notification.class.getName(), "wsquota events: limit hits (coalesced per user per second), cleanup "
                + "failures, re-created timers, corrected drift, and an audit record of every operator change"));
    }

    @Override
    public void limitHit(String user, int active, int limit, String reason, long suppressed) {
        emit(LIMIT_HIT, reason + (suppressed > 0 ? " (" + suppressed + " more hits suppressed)" : ""),
                details("user", LogSafe.user(user), "active", active, "limit", limit, "suppressedSinceLast",
                        suppressed));
    }

    @Override
    public void cleanupFailed(int failures, String firstError) {
        emit(CLEANUP_FAILED, "cleanup could not clean " + failures + " managers: " + firstError,
                details("failures", failures, "firstError", firstError));
    }

    @Override
    public void timerRecreated(String timer, String why) {
        emit(TIMER_RECREATED, "timer " + timer + " " + why, details("timer", timer, "why", why));
    }

    @Override
    public void driftCorrected(DriftCheck.Correction correction) {
        emit(DRIFT_CORRECTED, "drift for " + LogSafe.user(correction.user()) + ": " + correction.what(),
                details("user", LogSafe.user(correction.user()), "managerId", correction.managerId(),
                        "sessionId", correction.sessionId(), "what", correction.what()));
    }

    /** The items of a notification's user data, in the order given: name, value, name, value... */
    static Map<String, Object> details(Object... namesAndValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            data.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return data;
    }

    /** An operator change: the same text as its audit log line, with what, old and new value and who. */
    void admin(String line, Map<String, ?> data) {
        emit(ADMIN, line, data);
    }

    private void emit(String type, String message, Map<String, ?> data) {
        try {
            Notification notification = new Notification(type, ManagerFactoryAdmin.OBJECT_NAME,
                    sequence.incrementAndGet(),
                    System.currentTimeMillis(), message);
            notification.setUserData(OpenData.details(type, data));
            sendNotification(notification);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not send the JMX notification " + type + ": " + message, e);
        }
    }
}
