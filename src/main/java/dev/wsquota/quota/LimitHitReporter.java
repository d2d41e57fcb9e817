package dev.wsquota.quota;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reports refusals at a quota to the operator at most once per user per second, before the client hears them,
 * so a client hammering at its quota cannot flood JConsole; the hits in between are counted into the next report.
 */
public final class LimitHitReporter {

    /** At most one limit-hit notification per user in this window; the rest are counted. */
    static final long LIMIT_HIT_WINDOW_MILLIS = 1_000;

    private final Supplier<OperatorEvents> events;
    private final LimitHitCoalescer limitHits;

    /**
     * @param clock             wall-clock milliseconds, for the notification window
     * @param events            where refusals are reported (it may change at runtime)
     */
    public LimitHitReporter(LongSupplier clock, Supplier<OperatorEvents> events) {
        this.events = events;
        this.limitHits = new LimitHitCoalescer(LIMIT_HIT_WINDOW_MILLIS, clock);
    }

    /** Reports the decision if it is a limit hit, and returns it unchanged. */
    public Admission report(Admission decided) {
        Admission.Outcome outcome = decided.outcome();
        if (outcome == Admission.Outcome.USER_QUOTA || outcome == Admission.Outcome.TOTAL_QUOTA) {
            long suppressed = limitHits.hit(decided.user());
            if (suppressed >= 0) {
                events.get()
                        .limitHit(decided.user(), decided.active(), decided.limit(), decided.rejectReason(),
                        suppressed);
            }
        }
        return decided;
    }
}
