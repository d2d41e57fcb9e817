package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;

/**
 * The answer to a connection asking for a slot: a manager, or the reason there is none.
 * Under {@link OnLimitPolicy#EVICT_OLDEST}, {@code evicted} is the manager whose slot was taken over;
 * it is already released and the caller closes its connection.
 */
public record Admission(Outcome outcome, Manager manager, String user, int active, int limit, Manager evicted,
                        String unavailableReason) {

    /** What happened to the request. */
    public enum Outcome {
        ADMITTED,
        /** The user already holds as many live managers as their quota allows. */
        USER_QUOTA,
        /** All users together hold {@code wsquota.max-managers-total} managers. */
        TOTAL_QUOTA,
        /** The cluster cannot decide now (not joined, too few members, this node fenced): nobody is admitted. */
        UNAVAILABLE,
        /** This node is draining before a stop: nobody is admitted here, the client reconnects elsewhere. */
        DRAINING
    }

    /** The close reason (with 1013) of a connection refused because this node is draining. */
    public static final String SERVER_DRAINING = "server draining";

    static Admission admitted(Manager manager, int active, int limit) {
        return new Admission(Outcome.ADMITTED, manager, manager.user(), active, limit, null, null);
    }

    static Admission replacing(Manager manager, Manager evicted, int active, int limit) {
        return new Admission(Outcome.ADMITTED, manager, manager.user(), active, limit, evicted, null);
    }

    static Admission rejected(Outcome why, String user, int active, int limit) {
        return new Admission(why, null, user, active, limit, null, null);
    }

    static Admission unavailable(String user, String reason) {
        return new Admission(Outcome.UNAVAILABLE, null, user, 0, 0, null, reason);
    }

    static Admission draining(String user) {
        return new Admission(Outcome.DRAINING, null, user, 0, 0, null, null);
    }

    public boolean isAdmitted() {
        return outcome == Outcome.ADMITTED;
    }

    /**
     * The close reason sent with 1013, at most 123 UTF-8 bytes, e.g. {@code quota exceeded: 5/5 managers for alice}.
     */
    public String rejectReason() {
        String text = switch (outcome) {
            case USER_QUOTA -> "quota exceeded: " + active + "/" + limit + " managers for " + LogSafe.user(user);
            case TOTAL_QUOTA -> "quota exceeded: " + active + "/" + limit + " managers in total";
            case UNAVAILABLE -> unavailableReason;
            case DRAINING -> SERVER_DRAINING;
            case ADMITTED -> throw new IllegalStateException("admitted, nothing was rejected");
        };
        return CloseCodes.fitReason(text);
    }
}
