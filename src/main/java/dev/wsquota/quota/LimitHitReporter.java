package dev.wsquota.quota;

import dev.wsquota.util.PerKeyWindow;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reports refusals at a quota to the operator at most once per user per second, before the client hears them,
 * so a client hammering at its quota cannot flood JConsole; the hits in between are counted into the next report.
 */
public final class LimitHitReporter {

    /** At most one limit-hit notification per user in this window; the rest are counted. */
    static final long LIMIT_HIT_WINDOW_MILLIS = 1_000;
    /** Users whose window is remembered at most; beyond it, those whose window has passed are forgotten. */
    public static final int MAX_TRACKED_USERS = 10_000;

    private final Supplier<OperatorEvents> events;
    private final PerKeyWindow<Void> limitHits;

    /**
     * @param clock             wall-clock milliseconds, for the notification window
     * @param events            where refusals are reported (it may change at runtime)
     */
    public LimitHitReporter(LongSupplier clock, Supplier<OperatorEvents> events) {
        this.events = events;
        this.limitHits = new PerKeyWindow<>(LIMIT_HIT_WINDOW_MILLIS, clock, MAX_TRACKED_USERS);
    }

    /** Reports the decision if it is a limit hit, and returns it unchanged. */
    public Admission report(Admission decided) {
        Admission.Outcome outcome = decided.outcome();
        if (outcome == Admission.Outcome.USER_QUOTA || outcome == Admission.Outcome.TOTAL_QUOTA) {
            limitHits.offer(decided.user(), null).ifPresent(suppressed -> events.get().limitHit(decided.user(),
                    decided.active(), decided.limit(), decided.rejectReason(), suppressed.count()));
        }
        return decided;
    }
}
