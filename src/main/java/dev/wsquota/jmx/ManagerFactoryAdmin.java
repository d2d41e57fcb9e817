package dev.wsquota.jmx;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.PingSweepTimer;
import dev.wsquota.ejb.TimerWatchdog;
import dev.wsquota.quota.Drain;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.OnLimitPolicy;

import javax.management.ObjectName;
import java.time.Instant;
import java.util.Map;

import static dev.wsquota.jmx.JdkExceptions.call;

/**
 * The MXBean an operator talks to: the settings and operations, each audited, on top of the read-only
 * attributes of {@link FactoryReadings}. Every call goes through a bean's EJB business proxy, so the beans'
 * {@code @Lock}s apply; values are validated where they are used, in the beans and the quota classes,
 * and every refusal reaches the client as a plain JDK exception (see {@link JdkExceptions}).
 */
public final class ManagerFactoryAdmin extends FactoryReadings {

    /** {@code dev.wsquota:type=ManagerFactory}. */
    public static final ObjectName OBJECT_NAME = PlatformRegistration.objectName("dev.wsquota:type=ManagerFactory");

    private final PingSweepTimer sweep;
    private final AdminAudit audit;

    ManagerFactoryAdmin(ManagerFactory factory, PingSweepTimer sweep, TimerWatchdog watchdog, AdminAudit audit) {
        super(factory, watchdog);
        this.sweep = sweep;
        this.audit = audit;
    }


    @Override
    public int getMaxManagersPerUser() {
        return call(factory::getMaxManagersPerUser);
    }

    @Override
    public void setMaxManagersPerUser(int managers) {
        audit.write("MaxManagersPerUser", factory::getMaxManagersPerUser, () ->
                factory.setMaxManagersPerUser(managers));
    }

    @Override
    public int getMaxManagersTotal() {
        return call(factory::getMaxManagersTotal);
    }

    @Override
    public void setMaxManagersTotal(int managers) {
        audit.write("MaxManagersTotal", factory::getMaxManagersTotal, () -> factory.setMaxManagersTotal(managers));
    }

    @Override
    public Map<String, Integer> getUserQuotaOverrides() {
        return call(factory::getUserQuotaOverrides);
    }

    @Override
    public String setUserQuota(String user, int managers) {
        Integer old = call(() -> factory.setUserQuota(user, managers));
        String done = "quota of " + LogSafe.user(user) + " set to " + managers
                + (old == null ? " (was the default)" : " (was " + old + ")");
        audit.record("setUserQuota(" + LogSafe.user(user) + ")", old == null ? "default" : old, managers, done);
        return done;
    }

    @Override
    public String clearUserQuota(String user) {
        Integer old = call(() -> factory.clearUserQuota(user));
        String done = old == null ? LogSafe.user(user) + " had no quota of their own; nothing changed"
                : "quota of " + LogSafe.user(user) + " back to the default (was " + old + ")";
        audit.record("clearUserQuota(" + LogSafe.user(user) + ")", old == null ? "default" : old, "default", done);
        return done;
    }

    @Override
    public int enforceQuotas() {
        int closed = call(factory::enforceQuotas);
        audit.record("enforceQuotas()", "", closed, "closed " + closed + " managers above their user's quota");
        return closed;
    }

    @Override
    public int getCleanupIntervalSeconds() {
        return call(factory::getCleanupIntervalSeconds);
    }

    @Override
    public void setCleanupIntervalSeconds(int seconds) {
        audit.write("CleanupIntervalSeconds", factory::getCleanupIntervalSeconds, () ->
                factory.setCleanupIntervalSeconds(seconds));
    }

    @Override
    public int getIdleTimeoutSeconds() {
        return call(sweep::getIdleTimeoutSeconds);
    }

    @Override
    public void setIdleTimeoutSeconds(int seconds) {
        audit.write("IdleTimeoutSeconds", sweep::getIdleTimeoutSeconds, () -> sweep.setIdleTimeoutSeconds(seconds));
    }

    @Override
    public int getPingIntervalSeconds() {
        return call(sweep::getPingIntervalSeconds);
    }

    @Override
    public void setPingIntervalSeconds(int seconds) {
        audit.write("PingIntervalSeconds", sweep::getPingIntervalSeconds, () -> sweep.setPingIntervalSeconds(seconds));
    }

    @Override
    public int getPongTimeoutSeconds() {
        return call(sweep::getPongTimeoutSeconds);
    }

    @Override
    public void setPongTimeoutSeconds(int seconds) {
        audit.write("PongTimeoutSeconds", sweep::getPongTimeoutSeconds, () -> sweep.setPongTimeoutSeconds(seconds));
    }

    @Override
    public int getProbeAfterSeconds() {
        return call(factory::getProbeAfterSeconds);
    }

    @Override
    public void setProbeAfterSeconds(int seconds) {
        audit.write("ProbeAfterSeconds", factory::getProbeAfterSeconds, () -> factory.setProbeAfterSeconds(seconds));
    }

    @Override
    public int getProbeTimeoutMillis() {
        return call(factory::getProbeTimeoutMillis);
    }

    @Override
    public void setProbeTimeoutMillis(int millis) {
        audit.write("ProbeTimeoutMillis", factory::getProbeTimeoutMillis, () -> factory.setProbeTimeoutMillis(millis));
    }

    @Override
    public String getOnLimitPolicy() {
        return call(factory::getOnLimitPolicy).key();
    }

    @Override
    public void setOnLimitPolicy(String policy) {
        OnLimitPolicy parsed = OnLimitPolicy.parse(policy);
        audit.write("OnLimitPolicy", this::getOnLimitPolicy, () -> factory.setOnLimitPolicy(parsed));
    }

    @Override
    public int getDrainSeconds() {
        return call(factory::getDrainSeconds);
    }

    @Override
    public void setDrainSeconds(int seconds) {
        audit.write("DrainSeconds", factory::getDrainSeconds, () -> factory.setDrainSeconds(seconds));
    }

    @Override
    public String drain(int seconds) {
        boolean was = call(factory::isDraining);
        Drain.Status started = call(() -> factory.drain(seconds));
        String done = (was ? "re-planned the drain: " : "draining: ") + started.planned() + " managers closed with 1001"
                + " over " + seconds + " s, the last by " + Instant.ofEpochMilli(started.deadlineMillis())
                + "; new connections refused with 1013 server draining, readiness DOWN";
        audit.record("drain(" + seconds + ")", was ? "draining" : "admitting", "draining", done);
        return done;
    }

    @Override
    public String endDrain() {
        boolean was = call(factory::endDrain);
        String done = was ? "drain ended: admitting new connections again, readiness UP"
                : "this node was not draining; nothing changed";
        audit.record("endDrain()", was ? "draining" : "admitting", "admitting", done);
        return done;
    }

    @Override
        public int getMaxQueuedBytes() {
        return call(factory::getMaxQueuedBytes);
    }

    @Override
    public void setMaxQueuedBytes(int bytes) {
        audit.write("MaxQueuedBytes", factory::getMaxQueuedBytes, () -> factory.setMaxQueuedBytes(bytes));
    }

    @Override
    public int getSendTimeoutSeconds() {
        return call(factory::getSendTimeoutSeconds);
    }

    @Override
    public void setSendTimeoutSeconds(int seconds) {
        audit.write("SendTimeoutSeconds", factory::getSendTimeoutSeconds, () -> factory.setSendTimeoutSeconds(seconds));
    }

    @Override
    public String closeManager(String managerId) {
        String done = call(() -> factory.operatorActions().close(managerId))
                .map(closed -> "closed manager " + closed.managerId() + " of " + LogSafe.user(closed.user())
                        + " (1008, closed by an operator)")
                .orElse("no live manager with id " + LogSafe.user(managerId) + "; nothing changed");
        audit.record("closeManager(" + LogSafe.user(managerId) + ")", "", done, done);
        return done;
    }

    @Override
    public int disconnectUser(String user) {
        int closed = call(() -> factory.operatorActions().disconnect(user));
        audit.record("disconnectUser(" + LogSafe.user(user) + ")", "", closed, "closed " + closed + " managers of "
                + LogSafe.user(user));
        return closed;
    }

    @Override
    public int forceCleanup() {
        int reclaimed = call(factory::forceCleanup);
        audit.record("forceCleanup()", "", reclaimed, "cleanup pass reclaimed " + reclaimed + " slots");
        return reclaimed;
    }

    @Override
    public int forceCleanupUser(String user) {
        int reclaimed = call(() -> factory.forceCleanupUser(user));
        audit.record("forceCleanupUser(" + LogSafe.user(user) + ")", "", reclaimed,
                "cleanup pass over " + LogSafe.user(user) + " reclaimed " + reclaimed + " slots");
        return reclaimed;
    }
}
