package dev.wsquota.jconsole.model;

/**
 * The cluster line of the header, from {@code dev.wsquota:type=Cluster} (absent in a wsquota without clustering).
 *
 * @param enabled           {@code Enabled}: this node shares its quota with a cluster
 * @param name              {@code ClusterName}
 * @param localMember       {@code LocalMember}
 * @param members           {@code MemberCount}
 * @param minMembers        {@code MinMembers}
 * @param leaseSeconds      {@code LeaseSeconds}
 * @param millisSinceRenewal {@code MillisSinceRenewal}
 * @param fenced            {@code Fenced}
 * @param fencings          {@code Fencings}
 * @param renewalFailures   {@code RenewalFailures}
 * @param activeManagers    {@code ActiveManagers}, across the cluster
 */
public record ClusterView(boolean enabled, String name, String localMember, int members, int minMembers,
                          int leaseSeconds, long millisSinceRenewal, boolean fenced, long fencings,
                          long renewalFailures, int activeManagers) {

    /** What the header says: off, or the members, the lease and the fencing state. */
    public String describe() {
        if (!enabled) {
            return "off (this server keeps its own quota)";
        }
        StringBuilder text = new StringBuilder();
        text.append(name).append(": ").append(members).append(" members (at least ").append(minMembers)
                .append(" to admit), this one ").append(localMember).append(", ").append(activeManagers)
                .append(" managers cluster-wide, lease ").append(leaseSeconds).append(" s renewed ")
                .append(String.format(java.util.Locale.ROOT, "%.1f", millisSinceRenewal / 1000.0)).append(" s ago");
        if (fenced) {
            text.append(", FENCED (admits nobody)");
        }
        text.append(", fencings ").append(fencings).append(", renewal failures ").append(renewalFailures);
        return text.toString();
    }

    /** The cluster needs an operator: fenced, or too few members to admit anyone. */
    public boolean alarm() {
        return enabled && (fenced || members < minMembers);
    }
}
