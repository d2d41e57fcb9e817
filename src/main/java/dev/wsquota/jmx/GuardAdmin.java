package dev.wsquota.jmx;

import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.GuardStatistics;

import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.util.Map;

/** The guard's MXBean: plain JDK types only, one fixed name (no part of it comes from a user). */
public final class GuardAdmin implements GuardMXBean {

    /** {@code dev.wsquota:type=Guard}. */
    public static final ObjectName OBJECT_NAME = PlatformRegistration.objectName("dev.wsquota:type=Guard");

    private final GuardSettings settings;
    private final GuardStatistics statistics;
    private PlatformRegistration registration;

    private GuardAdmin(GuardSettings settings, GuardStatistics statistics) {
        this.settings = settings;
        this.statistics = statistics;
    }

    public static GuardAdmin register(GuardSettings settings, GuardStatistics statistics) {
        GuardAdmin admin = new GuardAdmin(settings, statistics);
        admin.registration = PlatformRegistration.register(
                new DescribedMBean<>(admin, GuardMXBean.class, new NotificationBroadcasterSupport()), OBJECT_NAME,
                "refusal counts are not visible for this instance");
        return admin;
    }

    public void unregister() {
        registration.unregister();
    }

    @Override
    public String getAllowedOrigins() {
        return settings.allowedOrigins().toString();
    }

    @Override
    public int getMaxMessageBytes() {
        return settings.maxMessageBytes();
    }

    @Override
    public int getMaxMessagesPerSecond() {
        return settings.maxMessagesPerSecond();
    }

    @Override
    public Map<String, Long> getRefusals() {
        return statistics.snapshot();
    }
}
