package dev.wsquota.web;

import dev.wsquota.quota.Admission;

import java.util.function.Consumer;

/**
 * Lets the welcome be written after the factory's admission call has returned instead of inside it: an answer
 * decided during the call is held until {@link #callReturned()}, so writing to the peer never happens under
 * the singleton's lock and the EJB container's request scope. A later answer (after a probe) goes through at once.
 */
final class AfterCall implements Consumer<Admission> {

    private final Consumer<Admission> answer;
    private Admission held;
    private boolean returned;

    AfterCall(Consumer<Admission> answer) {
        this.answer = answer;
    }

    @Override
    public void accept(Admission admission) {
        synchronized (this) {
            if (!returned) {
                held = admission;
                return;
            }
        }
        answer.accept(admission);
    }

    /** The factory call has returned: answers now if the admission was decided during it. */
    void callReturned() {
        Admission decided;
        synchronized (this) {
            returned = true;
            decided = held;
            held = null;
        }
        if (decided != null) {
            answer.accept(decided);
        }
    }
}
