package dev.wsquota.cluster;

import dev.wsquota.quota.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code wsquota.cluster*} keys, their defaults and their bounds. A bad value stops the deployment with a
 * message naming the key, the value and what is allowed.
 *
 * @param enabled      {@code wsquota.cluster}: {@code hazelcast} (true) or {@code none} (false, the default)
 * @param name         {@code wsquota.cluster.name}: members join only a cluster of the same name
 * @param port         {@code wsquota.cluster.port}: this member's port, never auto-incremented
 * @param members      {@code wsquota.cluster.members}: the TCP-IP join list, {@code host:port}
 * @param leaseSeconds {@code wsquota.cluster.lease-seconds}: how long a slot lives without renewal
 * @param minMembers   {@code wsquota.cluster.min-members}: below this many members nobody is admitted
 * @param address      {@code wsquota.cluster.address}: the host this member binds to, or empty to find this
 *                     host's own entry in {@code members} (see {@link BindAddress})
 */
public record ClusterSettings(boolean enabled, String name, int port, List<String> members, int leaseSeconds,
                              int minMembers, String address) {

    /**
     * What the purge waits beyond a lease after the departed member's last renewal: its last heartbeat may precede
     * that renewal by a heartbeat interval (1 s), its fence waits for its next tick (1 s), and a second for the rest.
     */
    public static final long PURGE_MARGIN_MILLIS = 3_000;

    public static final String MODE = "wsquota.cluster";
    public static final String NAME = "wsquota.cluster.name";
    public static final String PORT = "wsquota.cluster.port";
    public static final String MEMBERS = "wsquota.cluster.members";
    public static final String LEASE_SECONDS = "wsquota.cluster.lease-seconds";
    public static final String MIN_MEMBERS = "wsquota.cluster.min-members";
    public static final String ADDRESS = "wsquota.cluster.address";

    /** A lease shorter than this cannot be renewed three times per lease across a busy network. */
    public static final int MIN_LEASE_SECONDS = 3;
    public static final int MAX_LEASE_SECONDS = 3_600;

    public ClusterSettings {
        members = List.copyOf(members);
        address = address == null ? "" : address.strip();
        boolean hostAndPort = address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':');
        if (address.length() > 253 || hostAndPort) {
            throw new IllegalArgumentException(ADDRESS + " must be a host name or an IP address (no port), was '"
                    + address + "'");
        }
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException(NAME + " must be 1 to 64 characters, was '" + name + "'");
        }
        checkRange(PORT, port, 1, 65_535);
        checkRange(LEASE_SECONDS, leaseSeconds, MIN_LEASE_SECONDS, MAX_LEASE_SECONDS);
        checkRange(MIN_MEMBERS, minMembers, 1, 1_000);
        for (String member : members) {
            checkMember(member);
        }
        if (enabled && members.isEmpty()) {
            throw new IllegalArgumentException(MEMBERS + " must list at least this member (host:port) when "
                    + MODE + "=hazelcast");
        }
    }

    /** Settings that let this member find its own entry in {@code members}. */
    public ClusterSettings(boolean enabled, String name, int port, List<String> members, int leaseSeconds,
                           int minMembers) {
        this(enabled, name, port, members, leaseSeconds, minMembers, "");
    }

    /** Reads every key through {@code lookup} (raw text or empty), using the default where a key is absent. */
    public static ClusterSettings load(Function<String, Optional<String>> lookup) {
        String mode = text(lookup, MODE, "none");
        boolean enabled = switch (mode) {
            case "none" -> false;
            case "hazelcast" -> true;
            default -> throw new IllegalArgumentException(MODE + " must be 'none' or 'hazelcast', was '" + mode + "'");
        };
        List<String> members = new ArrayList<>();
        for (String member : text(lookup, MEMBERS, "").split(",")) {
            if (!member.isBlank()) {
                members.add(member.strip());
            }
        }
        return new ClusterSettings(enabled, text(lookup, NAME, "wsquota"), Settings.intValue(lookup, PORT, 5701), members,
                Settings.intValue(lookup, LEASE_SECONDS, 15), Settings.intValue(lookup, MIN_MEMBERS, 1),
                text(lookup, ADDRESS, ""));
    }

    public long leaseMillis() {
        return leaseSeconds * 1000L;
    }

    /** How often a member renews its leases: three times per lease, so one lost round never costs a slot. */
    public long renewalMillis() {
        return leaseMillis() / 3;
    }

    /**
     * After how long without a heartbeat a member is dropped: half a lease (at least 3 s). A member that loses one
     * peer retries its renewal every second and succeeds soon after the drop, inside the lease it renewed at most a
     * third of a lease before, so a majority never fences itself.
     */
    public int detectionSeconds() {
        return Math.max(3, leaseSeconds / 2);
    }

    /**
     * How long after a member left the oldest member holds, then frees, its slots: the rest of a lease after the
     * detection, plus {@link #PURGE_MARGIN_MILLIS}. The timing rule: a member that cannot renew (cut off, below
     * min-members, frozen) fences when its lease runs out, a lease after its last renewal; the others heard its
     * heartbeats until about then, so they drop it no sooner than a detection later and free its slots no sooner
     * than a lease plus the margin after that renewal. The fence always comes first, whenever each side notices,
     * and a member that only briefly sees fewer than min-members (a stalled peer) refuses meanwhile but keeps its
     * connections.
     */
    public long purgeGraceMillis() {
        return leaseMillis() - detectionSeconds() * 1000L + PURGE_MARGIN_MILLIS;
    }

    /** The hosts of the entries with this member's port: the candidates for this member's own entry. */
    public List<String> hostsOnThisPort() {
        return members.stream().filter(member -> member.endsWith(":" + port))
                .map(member -> member.substring(0, member.lastIndexOf(':'))).distinct().toList();
    }

    private static void checkMember(String member) {
        int colon = member.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(MEMBERS + " entries must be host:port, was '" + member + "'");
        }
        try {
            checkRange(MEMBERS + " port of '" + member + "'", Integer.parseInt(member.substring(colon + 1)), 1, 65_535);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMBERS + " entries must be host:port, was '" + member + "'", e);
        }
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static String text(Function<String, Optional<String>> lookup, String key, String fallback) {
        return lookup.apply(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(fallback);
    }
}
