package dev.wsquota.util;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerKeyWindowTest {

    private final AtomicLong now = new AtomicLong(10_000);
    private final PerKeyWindow<String> window = new PerKeyWindow<>(1_000, now::get, 100);

    @Test
    void oneEventPerKeyPerWindowGoesThroughWithTheCountOfTheFolded() {
        assertEquals(0, window.offer("alice", "a0").orElseThrow().count());
        for (int i = 1; i <= 9; i++) {
            now.addAndGet(100);
            assertEquals(Optional.empty(), window.offer("alice", "a" + i));
        }
        assertEquals(0, window.offer("bob", "b0").orElseThrow().count(), "another key has a window of its own");
        now.addAndGet(100);
        assertEquals(new PerKeyWindow.Folded<>("alice", 9, "a1", "a9"), window.offer("alice", "a10").orElseThrow(),
                "a window later: through, with the 9 folded, the first and the last of them");
        now.addAndGet(1_000);
        assertEquals(0, window.offer("alice", "a11").orElseThrow().count());
    }

    @Test
    void endedHandsOutOnlyWindowsThatHaveEndedEachOnce() {
        window.offer("alice", "a0");
        window.offer("alice", "a1");
        now.addAndGet(500);
        window.offer("bob", "b0");
        window.offer("bob", "b1");
        now.addAndGet(600);
        assertEquals(List.of(new PerKeyWindow.Folded<>("alice", 1, "a1", "a1")), window.ended(),
                "bob's window is still open");
        assertEquals(List.of(), window.ended(), "alice's once, and bob's window is still open");
        assertEquals(0, window.offer("alice", "a2").orElseThrow().count(), "nothing folded is handed out twice");
    }

    @Test
    void drainHandsOutWhatIsFoldedInOpenWindowsToo() {
        window.offer("alice", "a0");
        window.offer("alice", "a1");
        window.offer("alice", "a2");
        assertEquals(List.of(new PerKeyWindow.Folded<>("alice", 2, "a1", "a2")), window.drain());
        assertEquals(List.of(), window.drain());
    }

    @Test
    void beyondItsBoundAKeyWhoseWindowPassedIsForgotten() {
        PerKeyWindow<String> small = new PerKeyWindow<>(1_000, now::get, 2);
        small.offer("a", null);
        small.offer("a", null);
        small.offer("b", null);
        small.offer("c", null);
        now.addAndGet(1_000);
        small.offer("d", null);
        assertEquals(0, small.offer("a", null).orElseThrow().count(), "a was forgotten with its folded count");
        assertTrue(small.drain().isEmpty());
    }
}
