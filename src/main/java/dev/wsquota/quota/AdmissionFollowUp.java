package dev.wsquota.quota;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What follows a decision before the client hears it: an admitted connection gets the container's idle
 * timeout as a backstop behind the sweep, and a refusal at a quota reaches the operator at most once per
 * user per second, so a client hammering at its quota cannot flood JConsole.
 */
public final class AdmissionFollowUp {

    /** How much later than the sweep's idle close the container's own idle timeout fires. */
    static final long CONTAINER_IDLE_MARGIN_MILLIS = 10_000;
    /** At most one limit-hit notification per user in this window; the rest are counted. */
    static final long LIMIT_HIT_WINDOW_MILLIS = 1_000;

    private final LongSupplier idleTimeoutMillis;
    private final Supplier<OperatorEvents> events;
    private final LimitHitCoalescer limitHits;

    /**
     * @param idleTimeoutMillis the sweep's idle timeout in force (0 = never)
     * @param clock             wall-clock milliseconds, for the notification window
     * @param events            where refusals are reported (it may change at runtime)
     */
    public AdmissionFollowUp(LongSupplier idleTimeoutMillis, LongSupplier clock, Supplier<OperatorEvents> events) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.events = events;
        this.limitHits = new LimitHitCoalescer(LIMIT_HIT_WINDOW_MILLIS, clock);
    }

    /** Applies the follow-up to the decision and returns it unchanged. */
    public Admission apply(Admission decided) {
        if (decided.isAdmitted()) {
            // The container's idle timeout is only a backstop behind the sweep's idle close (1001):
            // Liberty's own idle close sends 1006, which clients reject.
            long idleMillis = idleTimeoutMillis.getAsLong();
            decided.manager().connection().idleTimeout(idleMillis == 0 ? 0 : idleMillis + CONTAINER_IDLE_MARGIN_MILLIS);
        } else if (decided.outcome() != Admission.Outcome.UNAVAILABLE) {
            long suppressed = limitHits.hit(decided.user());
            if (suppressed >= 0) {
                events.get().limitHit(decided.user(), decided.active(), decided.limit(), decided.rejectReason(), suppressed);
            }
        }
        return decided;
    }
}
