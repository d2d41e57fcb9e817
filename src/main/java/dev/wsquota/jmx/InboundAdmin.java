package dev.wsquota.jmx;

import dev.wsquota.inbound.InboundSettings;
import dev.wsquota.inbound.InboundStatistics;

import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.net.URI;
import java.util.Map;
import java.util.function.IntSupplier;

/** The inbound MXBean: plain JDK types only, one fixed name. */
public final class InboundAdmin implements InboundMXBean {

    /** {@code dev.wsquota:type=Inbound}. */
    public static final ObjectName OBJECT_NAME = PlatformRegistration.objectName("dev.wsquota:type=Inbound");

    private final InboundSettings settings;
    private final InboundStatistics statistics;
    private final IntSupplier inFlight;
    private PlatformRegistration registration;

    private InboundAdmin(InboundSettings settings, InboundStatistics statistics, IntSupplier inFlight) {
        this.settings = settings;
        this.statistics = statistics;
        this.inFlight = inFlight;
    }

    public static InboundAdmin register(InboundSettings settings, InboundStatistics statistics, IntSupplier inFlight) {
        InboundAdmin admin = new InboundAdmin(settings, statistics, inFlight);
        admin.registration = PlatformRegistration.register(
                new DescribedMBean<>(admin, InboundMXBean.class, new NotificationBroadcasterSupport()), OBJECT_NAME,
                "client message counts are not visible for this instance");
        return admin;
    }

    public void unregister() {
        registration.unregister();
    }

    @Override
    public String getMode() {
        return settings.mode().configValue();
    }

    @Override
    public int getMaxInFlightPerManager() {
        return settings.maxInFlight();
    }

    @Override
    public int getThreads() {
        return settings.threads();
    }

    @Override
    public String getForwardUrl() {
        return settings.forwardUrl().map(URI::toString).orElse("");
    }

    @Override
    public int getForwardTimeoutMillis() {
        return settings.forwardTimeoutMillis();
    }

    @Override
    public int getInFlight() {
        return inFlight.getAsInt();
    }

    @Override
    public long getMessagesIn() {
        return statistics.messages();
    }

    @Override
    public long getBusyRefusals() {
        return statistics.busy();
    }

    @Override
    public long getHandlerErrors() {
        return statistics.handlerErrors();
    }

    @Override
    public long getForwardTimeouts() {
        return statistics.forwardTimeouts();
    }

    @Override
    public long getForwardFailures() {
        return statistics.forwardFailures();
    }

    @Override
    public long getForwardLateReplies() {
        return statistics.forwardLate();
    }

    @Override
    public Map<String, Long> getCounts() {
        return statistics.snapshot();
    }
}
