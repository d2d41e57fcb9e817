package dev.wsquota.quota;

import java.util.List;

/**
 * What one cleanup pass did: how many slots it gave back and why, and what went wrong.
 *
 * @param stale        managers whose session was already closed
 * @param idle         managers closed for idleness
 * @param failures     managers that could not be cleaned (they keep their slot until the next pass)
 * @param errors       the first few failures, for the log
 * @param durationNanos how long the pass took
 */
public record CleanupReport(int stale, int idle, int failures, List<CleanupFailure> errors, long durationNanos) {

    /** At most this many failures are kept with their exception; the rest are only counted. */
    public static final int MAX_ERRORS_KEPT = 20;

    /** Slots given back by this pass. */
    public int reclaimed() {
        return stale + idle;
    }

    /** One manager that cleanup could not clean. */
    public record CleanupFailure(String managerId, String user, Exception error) {
    }
}
