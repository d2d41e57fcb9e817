package dev.wsquota.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FanoutLatenciesTest {

    @Test
    void aMessageForTheConnectionsOwnUserGivesItsLatency() {
        FanoutLatencies window = new FanoutLatencies(4, 0);
        window.record("1000 3 u0007 pppp", "u0007", 1600);
        window.record("2000 3 u0007 ", "u0007", 2100);
        assertEquals(2, window.received());
        assertEquals(0, window.foreign());
        assertEquals(600, window.percentiles().max());
        assertEquals(100, window.percentiles().min());
        assertEquals(2100, window.lastArrivalNanos());
    }

    @Test
    void aMessageNamingAnotherUserOrMalformedIsCountedAsWrongAndGivesNoLatency() {
        FanoutLatencies window = new FanoutLatencies(4, 0);
        window.record("1000 3 u0008 pppp", "u0007", 1600);
        window.record("1000 3 u00071 pppp", "u0007", 1600);
        window.record("x 3 u0007 pppp", "u0007", 1600);
        window.record("hello", "u0007", 1600);
        assertEquals(4, window.received());
        assertEquals(4, window.foreign());
        assertEquals(0, window.percentiles().count());
    }

    @Test
    void aMessageOfAnEarlierRoundIsLateNotReceived() {
        FanoutLatencies window = new FanoutLatencies(4, 10);
        window.record("1000 9 u0007 ", "u0007", 1600);
        window.record("1000 10 u0007 ", "u0007", 1700);
        assertEquals(1, window.received());
        assertEquals(1, window.late());
        assertEquals(700, window.percentiles().max());
    }

    @Test
    void samplesBeyondTheCapacityAreCountedButNotKept() {
        FanoutLatencies window = new FanoutLatencies(1, 0);
        window.record("1 0 u0000 ", "u0000", 2);
        window.record("1 0 u0000 ", "u0000", 3);
        assertEquals(2, window.received());
        assertEquals(1, window.percentiles().count());
    }
}
