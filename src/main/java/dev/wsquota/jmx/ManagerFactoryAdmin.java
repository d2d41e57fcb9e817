package dev.wsquota.jmx;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.CleanupStatistics;
import dev.wsquota.quota.DriftCheck;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.OnLimitPolicy;
import dev.wsquota.quota.OperatorEvents;
import dev.wsquota.quota.QuotaLimits;
import dev.wsquota.quota.Settings;
import dev.wsquota.quota.UserIds;
import dev.wsquota.quota.UserView;
import jakarta.ejb.EJBException;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.security.auth.Subject;
import java.security.AccessController;
import java.security.Principal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The MXBean an operator talks to, and the source of its notifications. Every call goes through the
 * factory's EJB business proxy, so the factory's {@code @Lock}s apply; every value is validated here
 * first; every exception leaves as a plain JDK type with its message, because JConsole and jmxterm
 * have no EE classes to deserialize an {@code EJBException} with.
 */
public final class ManagerFactoryAdmin extends NotificationBroadcasterSupport
        implements ManagerFactoryMXBean, OperatorEvents {

    /** {@code dev.wsquota:type=ManagerFactory}. */
    public static final ObjectName OBJECT_NAME = PlatformRegistration.objectName("dev.wsquota:type=ManagerFactory");

    private static final Logger LOG = Logger.getLogger(ManagerFactoryAdmin.class.getName());

    private final ManagerFactory factory;
    private final AtomicLong sequence = new AtomicLong();
    private PlatformRegistration registration;

    private ManagerFactoryAdmin(ManagerFactory factory) {
        super(new MBeanNotificationInfo(new String[]{LIMIT_HIT, CLEANUP_FAILED, TIMER_RECREATED, DRIFT_CORRECTED, ADMIN},
                Notification.class.getName(), "wsquota events: limit hits (coalesced per user per second), cleanup "
                + "failures, re-created timers, corrected drift, and an audit record of every operator change"));
        this.factory = factory;
    }

    /** Registers an MXBean for the factory's business proxy on the platform MBeanServer. */
    public static ManagerFactoryAdmin register(ManagerFactory factoryProxy) {
        ManagerFactoryAdmin admin = new ManagerFactoryAdmin(factoryProxy);
        admin.registration = PlatformRegistration.register(
                new DescribedMBean<>(admin, ManagerFactoryMXBean.class, admin), OBJECT_NAME,
                "operators cannot see or steer this instance");
        return admin;
    }

    /** Removes the MXBean; called when the application stops. */
    public void unregister() {
        registration.unregister();
    }

    // ---- quotas ----

    @Override
    public int getMaxManagersPerUser() {
        return call(factory::getMaxManagersPerUser);
    }

    @Override
    public void setMaxManagersPerUser(int managers) {
        QuotaLimits.checkQuota("MaxManagersPerUser", managers);
        write("MaxManagersPerUser", factory::getMaxManagersPerUser, () -> factory.setMaxManagersPerUser(managers));
    }

    @Override
    public int getMaxManagersTotal() {
        return call(factory::getMaxManagersTotal);
    }

    @Override
    public void setMaxManagersTotal(int managers) {
        QuotaLimits.checkQuota("MaxManagersTotal", managers);
        write("MaxManagersTotal", factory::getMaxManagersTotal, () -> factory.setMaxManagersTotal(managers));
    }

    @Override
    public Map<String, Integer> getUserQuotaOverrides() {
        return call(factory::getUserQuotaOverrides);
    }

    @Override
    public String setUserQuota(String user, int managers) {
        UserIds.check(user);
        QuotaLimits.checkQuota("quota of a user", managers);
        Integer old = call(() -> factory.setUserQuota(user, managers));
        String done = "quota of " + LogSafe.user(user) + " set to " + managers
                + (old == null ? " (was the default)" : " (was " + old + ")");
        audit("setUserQuota(" + LogSafe.user(user) + ")", old == null ? "default" : old, managers, done);
        return done;
    }

    @Override
    public String clearUserQuota(String user) {
        UserIds.check(user);
        Integer old = call(() -> factory.clearUserQuota(user));
        String done = old == null ? LogSafe.user(user) + " had no quota of their own; nothing changed"
                : "quota of " + LogSafe.user(user) + " back to the default (was " + old + ")";
        audit("clearUserQuota(" + LogSafe.user(user) + ")", old == null ? "default" : old, "default", done);
        return done;
    }

    @Override
    public int enforceQuotas() {
        int closed = call(factory::enforceQuotas);
        audit("enforceQuotas()", "", closed, "closed " + closed + " managers above their user's quota");
        return closed;
    }

    // ---- timing settings ----

    @Override
    public int getCleanupIntervalSeconds() {
        return call(factory::getCleanupIntervalSeconds);
    }

    @Override
    public void setCleanupIntervalSeconds(int seconds) {
        Settings.checkInterval("CleanupIntervalSeconds", seconds);
        write("CleanupIntervalSeconds", factory::getCleanupIntervalSeconds, () -> factory.setCleanupIntervalSeconds(seconds));
    }

    @Override
    public int getIdleTimeoutSeconds() {
        return call(factory::getIdleTimeoutSeconds);
    }

    @Override
    public void setIdleTimeoutSeconds(int seconds) {
        Settings.checkIntervalOrZero("IdleTimeoutSeconds", seconds);
        write("IdleTimeoutSeconds", factory::getIdleTimeoutSeconds, () -> factory.setIdleTimeoutSeconds(seconds));
    }

    @Override
    public int getPingIntervalSeconds() {
        return call(factory::getPingIntervalSeconds);
    }

    @Override
    public void setPingIntervalSeconds(int seconds) {
        Settings.checkIntervalOrZero("PingIntervalSeconds", seconds);
        write("PingIntervalSeconds", factory::getPingIntervalSeconds, () -> factory.setPingIntervalSeconds(seconds));
    }

    @Override
    public int getPongTimeoutSeconds() {
        return call(factory::getPongTimeoutSeconds);
    }

    @Override
    public void setPongTimeoutSeconds(int seconds) {
        Settings.checkInterval("PongTimeoutSeconds", seconds);
        write("PongTimeoutSeconds", factory::getPongTimeoutSeconds, () -> factory.setPongTimeoutSeconds(seconds));
    }

    @Override
    public int getProbeAfterSeconds() {
        return call(factory::getProbeAfterSeconds);
    }

    @Override
    public void setProbeAfterSeconds(int seconds) {
        Settings.checkIntervalOrZero("ProbeAfterSeconds", seconds);
        write("ProbeAfterSeconds", factory::getProbeAfterSeconds, () -> factory.setProbeAfterSeconds(seconds));
    }

    @Override
    public int getProbeTimeoutMillis() {
        return call(factory::getProbeTimeoutMillis);
    }

    @Override
    public void setProbeTimeoutMillis(int millis) {
        Settings.checkProbeTimeout("ProbeTimeoutMillis", millis);
        write("ProbeTimeoutMillis", factory::getProbeTimeoutMillis, () -> factory.setProbeTimeoutMillis(millis));
    }

    @Override
    public String getOnLimitPolicy() {
        return call(factory::getOnLimitPolicy).key();
    }

    @Override
    public void setOnLimitPolicy(String policy) {
        OnLimitPolicy parsed = OnLimitPolicy.parse(policy);
        write("OnLimitPolicy", this::getOnLimitPolicy, () -> factory.setOnLimitPolicy(parsed));
    }

    // ---- live state ----

    @Override
    public int getActiveManagers() {
        return call(factory::getActiveManagers);
    }

    @Override
    public int getActiveUsers() {
        return call(factory::getActiveUsers);
    }

    @Override
    public Map<String, Integer> getUserManagerCounts() {
        return call(factory::getUserManagerCounts);
    }

    @Override
    public List<UserView> getUsers() {
        return call(factory::getUsers);
    }

    @Override
    public List<ManagerRow> listManagers(String user) {
        UserIds.check(user);
        return call(() -> factory.listManagers(user)).stream()
                .map(view -> new ManagerRow(view.managerId(), view.remoteAddress(), new Date(view.openedAtMillis()),
                        view.idleSeconds(), view.messagesIn(), view.messagesOut()))
                .toList();
    }

    @Override
    public String closeManager(String managerId) {
        if (managerId == null || managerId.isBlank() || managerId.length() > UserIds.MAX_LENGTH) {
            throw new IllegalArgumentException("managerId must be a manager id as listManagers shows it, was '"
                    + LogSafe.user(managerId) + "'");
        }
        String done = call(() -> factory.closeManager(managerId))
                .map(closed -> "closed manager " + closed.managerId() + " of " + LogSafe.user(closed.user())
                        + " (1008, closed by an operator)")
                .orElse("no live manager with id " + LogSafe.user(managerId) + "; nothing changed");
        audit("closeManager(" + LogSafe.user(managerId) + ")", "", done, done);
        return done;
    }

    @Override
    public int disconnectUser(String user) {
        UserIds.check(user);
        int closed = call(() -> factory.disconnectUser(user));
        audit("disconnectUser(" + LogSafe.user(user) + ")", "", closed,
                "closed " + closed + " managers of " + LogSafe.user(user));
        return closed;
    }

    // ---- counters ----

    @Override
    public long getLimitHits() {
        return call(factory::getLimitHits);
    }

    @Override
    public Map<String, Long> getRejectionsByReason() {
        return call(factory::getRejectionsByReason);
    }

    @Override
    public long getAdmissions() {
        return call(factory::getAdmissions);
    }

    @Override
    public Map<String, Long> getReleasesByCause() {
        Map<String, Long> byName = new LinkedHashMap<>();
        call(factory::getReleasesByCause).forEach((cause, count) -> byName.put(cause.name(), count));
        return byName;
    }

    @Override
    public long getProbes() {
        return call(factory::getProbes);
    }

    @Override
    public long getProbeReclaimed() {
        return call(factory::getProbeReclaimed);
    }

    // ---- cleanup and watchdog ----

    @Override
    public long getCleanupRuns() {
        return cleanup().runs();
    }

    @Override
    public int getLastCleanupReclaimed() {
        return cleanup().lastReclaimed();
    }

    @Override
    public Date getLastCleanupTime() {
        long millis = cleanup().lastRunMillis();
        return millis == 0 ? null : new Date(millis);
    }

    @Override
    public Date getNextCleanupTime() {
        return call(factory::getNextCleanupTime);
    }

    @Override
    public long getLastCleanupDurationMillis() {
        return cleanup().lastDurationMillis();
    }

    @Override
    public long getCleanupFailures() {
        return cleanup().totalFailures();
    }

    @Override
    public long getConsecutiveCleanupFailures() {
        return cleanup().consecutiveFailedRuns();
    }

    @Override
    public boolean isCleanupLate() {
        return call(factory::isCleanupLate);
    }

    @Override
    public boolean isTimerActive() {
        return call(factory::isTimerActive);
    }

    @Override
    public String getTimerError() {
        return call(factory::getTimerError);
    }

    @Override
    public long getTimerRecreations() {
        return call(factory::getTimerRecreations);
    }

    @Override
    public long getDriftCorrections() {
        return call(factory::getDriftCorrections);
    }

    @Override
    public int forceCleanup() {
        int reclaimed = call(factory::forceCleanup);
        audit("forceCleanup()", "", reclaimed, "cleanup pass reclaimed " + reclaimed + " slots");
        return reclaimed;
    }

    @Override
    public int forceCleanupUser(String user) {
        UserIds.check(user);
        int reclaimed = call(() -> factory.forceCleanupUser(user));
        audit("forceCleanupUser(" + LogSafe.user(user) + ")", "", reclaimed,
                "cleanup pass over " + LogSafe.user(user) + " reclaimed " + reclaimed + " slots");
        return reclaimed;
    }

    private CleanupStatistics.Snapshot cleanup() {
        return call(factory::getCleanupStatistics);
    }

    // ---- notifications (OperatorEvents) ----

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

    private void emit(String type, String message, Map<String, ?> data) {
        try {
            Notification notification = new Notification(type, OBJECT_NAME, sequence.incrementAndGet(),
                    System.currentTimeMillis(), message);
            notification.setUserData(OpenData.details(type, data));
            sendNotification(notification);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not send the JMX notification " + type + ": " + message, e);
        }
    }

    // ---- audit and plumbing ----

    private <T> void write(String attribute, Supplier<T> current, Runnable change) {
        T old = call(current);
        call(() -> {
            change.run();
            return null;
        });
        T now = call(current);
        if (!Objects.equals(old, now)) {
            audit(attribute, old, now, attribute + " changed from " + old + " to " + now);
        }
    }

    /** One audit record: a log line and a {@value #ADMIN} notification with the same text. */
    private void audit(String what, Object oldValue, Object newValue, String description) {
        String caller = caller();
        String line = "wsquota admin: " + description + " (by " + caller + ")";
        LOG.info(line);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("what", what);
        data.put("oldValue", String.valueOf(oldValue));
        data.put("newValue", String.valueOf(newValue));
        data.put("caller", caller);
        emit(ADMIN, line, data);
    }

    /**
     * The identity the JMX connector attached to this call, if it attached one: a JAAS subject, or
     * the container's caller (Liberty's REST connector runs the call as its authenticated user).
     */
    @SuppressWarnings("removal") // Subject.current() arrives in Java 18; this build targets 17
    private String caller() {
        try {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject != null && !subject.getPrincipals().isEmpty()) {
                return subject.getPrincipals().stream().map(Principal::getName).distinct().sorted()
                        .collect(Collectors.joining(","));
            }
            Optional<String> caller = factory.callerName();
            if (caller.isPresent()) {
                return LogSafe.user(caller.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the JMX caller's identity", e);
        }
        return "unknown (the connector gave no identity)";
    }

    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (EJBException e) {
            throw jdkException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The root cause as a JDK exception with its message and no EE classes in its chain. */
    static RuntimeException jdkException(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException) {
            return new IllegalArgumentException(root.getMessage());
        }
        LOG.log(Level.WARNING, "wsquota JMX call failed", thrown);
        return new IllegalStateException(root.getClass().getSimpleName() + ": " + root.getMessage());
    }
}
