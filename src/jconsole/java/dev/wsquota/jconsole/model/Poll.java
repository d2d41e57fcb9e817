package dev.wsquota.jconsole.model;

import java.util.List;

/**
 * The result of one refresh, read off the Swing thread: either the MXBean's snapshot (and the selected user's
 * managers), or why there is none.
 *
 * @param state        what the refresh found
 * @param message      for ABSENT and FAILED: what to tell the operator; otherwise a warning or empty
 * @param snapshot     for PRESENT: the attributes
 * @param selectedUser the user whose managers were read, or null
 * @param managers     that user's managers (empty when none selected)
 */
public record Poll(State state, String message, Snapshot snapshot, String selectedUser, List<ManagerLine> managers) {

    /** PRESENT: read; ABSENT: the JVM has no wsquota MXBean; FAILED: the connection or a read failed. */
    public enum State { PRESENT, ABSENT, FAILED }

    public static Poll present(Snapshot snapshot, String selectedUser, List<ManagerLine> managers, String warning) {
        return new Poll(State.PRESENT, warning, snapshot, selectedUser, List.copyOf(managers));
    }

    public static Poll absent(String message) {
        return new Poll(State.ABSENT, message, null, null, List.of());
    }

    public static Poll failed(String message) {
        return new Poll(State.FAILED, message, null, null, List.of());
    }
}
