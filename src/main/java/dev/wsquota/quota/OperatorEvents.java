package dev.wsquota.quota;

/** What the factory tells an operator about as it happens (JMX notifications and the log). */
public interface OperatorEvents {

    /** A connection was refused at a quota; {@code suppressed} earlier hits of this user were not reported. */
    void limitHit(String user, int active, int limit, String reason, long suppressed);

    /** A cleanup pass could not clean some managers. */
    void cleanupFailed(int failures, String firstError);

    /** A timer was missing and has been created again. */
    void timerRecreated(String timer, String why);

    /** The drift check found and fixed a difference between the registry and the container. */
    void driftCorrected(DriftCheck.Correction correction);

    /** Reports nothing; in place until the operator surface is registered. */
    OperatorEvents NONE = new OperatorEvents() {
        @Override
        public void limitHit(String user, int active, int limit, String reason, long suppressed) {
        }

        @Override
        public void cleanupFailed(int failures, String firstError) {
        }

        @Override
        public void timerRecreated(String timer, String why) {
        }

        @Override
        public void driftCorrected(DriftCheck.Correction correction) {
        }
    };
}
