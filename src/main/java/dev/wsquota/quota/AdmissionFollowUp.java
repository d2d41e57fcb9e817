package dev.wsquota.quota;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What follows a decision before the client hears it: a refusal at a quota reaches the operator at most once
 * per user per second, so a client hammering at its quota cannot flood JConsole. (No container idle timeout is
 * set on admitted sessions: the sweep closes idle ones with 1001, where Liberty's own idle close would send 1006,
 * and the watchdog re-creates a lost sweep timer; the container's timeout cost about 300 B per session.)
 */
public final class AdmissionFollowUp {

    /** At most one limit-hit notification per user in this window; the rest are counted. */
    static final long LIMIT_HIT_WINDOW_MILLIS = 1_000;

    private final Supplier<OperatorEvents> events;
    private final LimitHitCoalescer limitHits;

    /**
     * @param clock             wall-clock milliseconds, for the notification window
     * @param events            where refusals are reported (it may change at runtime)
     */
    public AdmissionFollowUp(LongSupplier clock, Supplier<OperatorEvents> events) {
        this.events = events;
        this.limitHits = new LimitHitCoalescer(LIMIT_HIT_WINDOW_MILLIS, clock);
    }

    /** Applies the follow-up to the decision and returns it unchanged. */
    public Admission apply(Admission decided) {
        Admission.Outcome outcome = decided.outcome();
        if (outcome == Admission.Outcome.USER_QUOTA || outcome == Admission.Outcome.TOTAL_QUOTA) {
            long suppressed = limitHits.hit(decided.user());
            if (suppressed >= 0) {
                events.get().limitHit(decided.user(), decided.active(), decided.limit(), decided.rejectReason(), suppressed);
            }
        }
        return decided;
    }
}
