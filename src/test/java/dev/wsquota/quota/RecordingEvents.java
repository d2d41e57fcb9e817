package dev.wsquota.quota;

import java.util.List;

/** Writes each operator event as one line, so a test can see what an operator would have been told. */
record RecordingEvents(List<String> lines) implements OperatorEvents {

    @Override
    public void limitHit(String user, int active, int limit, String reason, long suppressed) {
        lines.add("limitHit " + user + " " + active + "/" + limit + " suppressed " + suppressed + ": " + reason);
    }

    @Override
    public void cleanupFailed(int failures, String firstError) {
        lines.add("cleanupFailed " + failures + " " + firstError);
    }

    @Override
    public void timerRecreated(String timer, String why) {
        lines.add("timerRecreated " + timer);
    }

    @Override
    public void driftCorrected(DriftCheck.Correction correction) {
        lines.add("driftCorrected " + correction.managerId());
    }
}
