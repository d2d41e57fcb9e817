package dev.wsquota.web;

/** What the tests read of a {@link WriteLane}, under its lock as the lane itself reads it. */
final class LaneState {

    private LaneState() {
    }

    /** True while a write is in progress. */
    static boolean busy(WriteLane lane) {
        synchronized (lane) {
            return lane.busy;
        }
    }

    /** Writes waiting for their turn, the message included. */
    static int waiting(WriteLane lane) {
        synchronized (lane) {
            return (lane.urgent == null ? 0 : lane.urgent.size()) + (lane.message == null ? 0 : 1);
        }
    }
}
