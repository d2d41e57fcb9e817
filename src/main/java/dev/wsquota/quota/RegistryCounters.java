package dev.wsquota.quota;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Since-start totals of what happened to the registry (admissions, rejections, releases by cause,
 * failed frames). Only events are counted here: how many managers are live is always read from the
 * registry's own sets.
 */
public final class RegistryCounters {

    private final LongAdder admissions = new LongAdder();
    private final LongAdder userQuotaRejections = new LongAdder();
    private final LongAdder totalQuotaRejections = new LongAdder();
    private final LongAdder unavailableRejections = new LongAdder();
    private final LongAdder drainingRejections = new LongAdder();
    private final LongAdder closeFailures = new LongAdder();
    private final Map<ReleaseCause, LongAdder> releases = new EnumMap<>(ReleaseCause.class);

    RegistryCounters() {
        for (ReleaseCause cause : ReleaseCause.values()) {
            releases.put(cause, new LongAdder());
        }
    }

    void admitted() {
        admissions.increment();
    }

    void rejected(Admission.Outcome outcome) {
        switch (outcome) {
            case TOTAL_QUOTA -> totalQuotaRejections.increment();
            case UNAVAILABLE -> unavailableRejections.increment();
            case DRAINING -> drainingRejections.increment();
            default -> userQuotaRejections.increment();
        }
    }

    void released(ReleaseCause cause) {
        releases.get(cause).increment();
    }

    void closeFailed() {
        closeFailures.increment();
    }

    /** Connections admitted since start. */
    public long admissions() {
        return admissions.sum();
    }

    /** Connections refused because their user was at quota, since start. */
    public long userQuotaRejections() {
        return userQuotaRejections.sum();
    }

    /** Connections refused because the server was at its total cap, since start. */
    public long totalQuotaRejections() {
        return totalQuotaRejections.sum();
    }

    /** Connections refused because the cluster could not decide (not joined, too few members, fenced), since start. */
    public long unavailableRejections() {
        return unavailableRejections.sum();
    }

    /** Connections refused because this node was draining, since start. */
    public long drainingRejections() {
        return drainingRejections.sum();
    }

    /** Connections refused since start for this reason (USER_QUOTA, TOTAL_QUOTA, UNAVAILABLE or DRAINING). */
    public long rejections(Admission.Outcome reason) {
        return switch (reason) {
            case USER_QUOTA -> userQuotaRejections();
            case TOTAL_QUOTA -> totalQuotaRejections();
            case UNAVAILABLE -> unavailableRejections();
            case DRAINING -> drainingRejections();
            default -> 0;
        };
    }

    /** Connections whose close frame could not be sent after their slot was given back, since start. */
    public long closeFailures() {
        return closeFailures.sum();
    }

    /** Slots given back since start, by cause. */
    public Map<ReleaseCause, Long> releasesByCause() {
        Map<ReleaseCause, Long> copy = new EnumMap<>(ReleaseCause.class);
        releases.forEach((cause, count) -> copy.put(cause, count.sum()));
        return copy;
    }
}
