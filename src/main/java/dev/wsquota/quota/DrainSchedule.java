package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When each manager of a draining node is closed, so that the clients reconnecting elsewhere arrive as a steady
 * trickle instead of one wave. The window is cut into as many equal slots as there are managers; each slot gets
 * one close at a random moment inside it (stratified jitter), and the managers are dealt to the slots in a random
 * order. Any stretch of the window therefore gets its fair share of closes, at most one more or one fewer for
 * each of its two ends, while no two drains close at the same instants.
 */
final class DrainSchedule {

    private final Manager[] managers;
    private final long[] dueMillis;
    private int next;

    private DrainSchedule(Manager[] managers, long[] dueMillis) {
        this.managers = managers;
        this.dueMillis = dueMillis;
    }

    /** Plans a close for each manager between {@code startMillis} and {@code startMillis + windowMillis}. */
    static DrainSchedule plan(List<Manager> live, long startMillis, long windowMillis, RandomGenerator random) {
        Manager[] dealt = live.toArray(new Manager[0]);
        for (int i = dealt.length - 1; i > 0; i--) { // Fisher-Yates: no user or age order survives into the plan
            int j = random.nextInt(i + 1);
            Manager swap = dealt[i];
            dealt[i] = dealt[j];
            dealt[j] = swap;
        }
        long[] due = offsets(dealt.length, windowMillis, random);
        for (int i = 0; i < due.length; i++) {
            due[i] += startMillis;
        }
        return new DrainSchedule(dealt, due);
    }

    /**
     * {@code count} close offsets in [0, windowMillis), ascending: offset i lies at a random point of slot
     * [i * window / count, (i + 1) * window / count). A window shorter than {@code count} milliseconds puts
     * several closes on one millisecond, still in order.
     */
    static long[] offsets(int count, long windowMillis, RandomGenerator random) {
        if (count < 0 || windowMillis < 1) {
            throw new IllegalArgumentException("need count >= 0 and windowMillis >= 1, was " + count + " and "
                    + windowMillis);
        }
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            long from = (long) i * windowMillis / count;
            long to = (long) (i + 1) * windowMillis / count;
            offsets[i] = to > from ? from + random.nextLong(to - from) : from;
        }
        return offsets;
    }

    /** The managers whose close is due at {@code nowMillis}, each returned once, in their planned order. */
    List<Manager> takeDue(long nowMillis) {
        List<Manager> due = new ArrayList<>();
        while (next < managers.length && dueMillis[next] <= nowMillis) {
            due.add(managers[next]);
            managers[next] = null; // a closed manager is not kept alive by the plan
            next++;
        }
        return due;
    }

    /** When the next close is due; {@code Long.MAX_VALUE} once every close has been taken. */
    long nextDueMillis() {
        return next < dueMillis.length ? dueMillis[next] : Long.MAX_VALUE;
    }

    boolean done() {
        return next >= managers.length;
    }

    /** How many closes the plan holds. */
    int size() {
        return managers.length;
    }
}
