package dev.wsquota.quota;

import java.util.List;
import java.util.Map;

/**
 * The live state and since-start totals an operator reads, in one read-only place: every count comes from
 * the registry's sets at the moment of the call, the probe totals from the admission that runs the probes.
 */
public final class QuotaReadings {

    private final ManagerRegistry registry;
    private final ProbingAdmission admission;

    public QuotaReadings(ManagerRegistry registry, ProbingAdmission admission) {
        this.registry = registry;
        this.admission = admission;
    }

    public int activeManagers() {
        return registry.activeManagers();
    }

    public int activeUsers() {
        return registry.activeUsers();
    }

    /** Live managers of one user on this node. */
    public int countOf(String user) {
        return registry.countOf(user);
    }

    /** Live managers of every user that holds at least one on this node, sorted by user. */
    public Map<String, Integer> userCounts() {
        return registry.userCounts();
    }

    /** One row per user holding at least one manager on this node, sorted by user. */
    public List<UserView> users() {
        return UserView.rows(registry);
    }

    /** What each user's live managers on this node carried, sorted by user. */
    public List<UserMessagesView> userMessages() {
        return UserMessagesView.rows(registry);
    }

    /** Since-start totals: admissions, rejections by reason, releases by cause. */
    public RegistryCounters counters() {
        return registry.counters();
    }

    /** Probe rounds started since start (a user at quota with silent managers; connections arriving during a round join it). */
    public long probes() {
        return admission.probes();
    }

    /** Managers closed and released because they did not answer a probe, since start. */
    public long probeReclaimed() {
        return admission.probeReclaimed();
    }
}
