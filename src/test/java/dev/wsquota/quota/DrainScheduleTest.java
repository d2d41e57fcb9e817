package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The close times of a drain: spread evenly over the window, jittered, every 500 ms window with its fair share. */
class DrainScheduleTest {

    private static final long WINDOW = 500;

    /** Closes in each of the consecutive 500 ms windows from 0. */
    private static int[] perWindow(long[] offsets, long windowMillis) {
        int[] counts = new int[(int) ((windowMillis + WINDOW - 1) / WINDOW)];
        for (long offset : offsets) {
            counts[(int) (offset / WINDOW)]++;
        }
        return counts;
    }

    /** The most and fewest closes in any 500 ms stretch of the window, at every start millisecond. */
    private static int[] slidingExtremes(long[] offsets, long windowMillis) {
        int[] atMillis = new int[(int) windowMillis];
        for (long offset : offsets) {
            atMillis[(int) offset]++;
        }
        int inStretch = 0;
        for (int ms = 0; ms < WINDOW; ms++) {
            inStretch += atMillis[ms];
        }
        int most = inStretch;
        int fewest = inStretch;
        for (int start = 1; start + WINDOW <= windowMillis; start++) {
            inStretch += atMillis[(int) (start + WINDOW - 1)] - atMillis[start - 1];
            most = Math.max(most, inStretch);
            fewest = Math.min(fewest, inStretch);
        }
        return new int[]{most, fewest};
    }

    @Test
    void twoHundredOverFiveSecondsGiveEachHalfSecondExactlyItsShare() {
        for (long seed = 1; seed <= 50; seed++) {
            long[] offsets = DrainSchedule.offsets(200, 5_000, new SplittableRandom(seed));
            assertEquals(200, offsets.length);
            int[] counts = perWindow(offsets, 5_000);
            for (int count : counts) {
                assertEquals(20, count, "seed " + seed + ": " + java.util.Arrays.toString(counts));
            }
            int[] extremes = slidingExtremes(offsets, 5_000);
            assertTrue(extremes[0] <= 21 && extremes[1] >= 19, "seed " + seed + ": any 500 ms stretch holds 20 +- 1, "
                    + "was " + extremes[0] + " at most and " + extremes[1] + " at least");
        }
    }

    @Test
    void countsThatDoNotDivideTheWindowStayWithinOneOfTheirShare() {
        int[][] cases = {{7, 5_000}, {333, 5_000}, {1_000, 30_000}, {10_000, 30_000}, {45, 3_000}};
        for (int[] each : cases) {
            int count = each[0];
            long window = each[1];
            long[] offsets = DrainSchedule.offsets(count, window, new SplittableRandom(count));
            double share = count * (double) WINDOW / window;
            int[] extremes = slidingExtremes(offsets, window);
            assertTrue(extremes[0] <= Math.ceil(share) + 1, count + " over " + window + " ms: at most "
                    + extremes[0] + " in 500 ms, share " + share);
            assertTrue(extremes[1] >= Math.floor(share) - 1, count + " over " + window + " ms: at least "
                    + extremes[1] + " in 500 ms, share " + share);
        }
    }

    @Test
    void everyCloseFallsInsideTheWindowInOrder() {
        long[] offsets = DrainSchedule.offsets(1_000, 5_000, new SplittableRandom(7));
        for (int i = 0; i < offsets.length; i++) {
            assertTrue(offsets[i] >= 0 && offsets[i] < 5_000, "offset " + offsets[i]);
            assertTrue(i == 0 || offsets[i] >= offsets[i - 1], "ascending at " + i);
        }
        assertEquals(0, DrainSchedule.offsets(0, 5_000, new SplittableRandom(1)).length);
        long[] crowded = DrainSchedule.offsets(50, 10, new SplittableRandom(1)); // more closes than milliseconds
        assertTrue(crowded[49] < 10 && crowded[0] == 0, java.util.Arrays.toString(crowded));
        assertThrows(IllegalArgumentException.class, () -> DrainSchedule.offsets(5, 0, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> DrainSchedule.offsets(-1, 10, new SplittableRandom(1)));
    }

    @Test
    void theMomentsAreJitteredNotAGrid() {
        long[] one = DrainSchedule.offsets(200, 5_000, new SplittableRandom(1));
        long[] other = DrainSchedule.offsets(200, 5_000, new SplittableRandom(2));
        assertFalse(java.util.Arrays.equals(one, other), "two drains close at different moments");
        // Inside its 25 ms slot each close lands anywhere: over 200 slots the positions cover the slot, not one point.
        HashSet<Long> positions = new HashSet<>();
        for (int i = 0; i < one.length; i++) {
            positions.add(one[i] - i * 25L);
        }
        assertTrue(positions.size() >= 15, "positions inside the slot: " + positions);
        assertArrayEquals(one, DrainSchedule.offsets(200, 5_000, new SplittableRandom(1)), "same seed, same plan");
    }

    @Test
    void managersAreDealtInARandomOrderAndEachTakenOnceWhenDue() {
        ManagerRegistry registry = new ManagerRegistry(new QuotaLimits(1_000, 1_000), () -> 0L);
        List<Manager> live = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            live.add(registry.admit(i < 50 ? "alice" : "bob", new FakeConnection()).manager());
        }
        DrainSchedule plan = DrainSchedule.plan(live, 1_000, 5_000, new SplittableRandom(3));
        assertEquals(100, plan.size());
        assertEquals(List.of(), plan.takeDue(999), "nothing before the start");
        List<Manager> taken = new ArrayList<>();
        for (long now = 1_000; now <= 6_000; now += 100) {
            List<Manager> due = plan.takeDue(now);
            assertTrue(due.size() <= 3, "2 per 100 ms, +1 at an edge: " + due.size() + " at " + now);
            taken.addAll(due);
            assertTrue(plan.done() || plan.nextDueMillis() > now);
        }
        assertTrue(plan.done());
        assertEquals(Long.MAX_VALUE, plan.nextDueMillis());
        assertEquals(new HashSet<>(live), new HashSet<>(taken));
        assertEquals(100, taken.size(), "each once");
        assertNotEquals(live, taken, "shuffled, not in admission order");
        long alicesInFirstHalf = taken.subList(0, 50).stream().filter(m -> m.user().equals("alice")).count();
        assertTrue(alicesInFirstHalf > 10 && alicesInFirstHalf < 40, "users mixed: " + alicesInFirstHalf);
    }
}
