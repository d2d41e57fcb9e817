package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagerIdsTest {

    private final ManagerIds ids = new ManagerIds("k3x-");

    @Test
    void anIdGivenOutReadsBackToItsSerial() {
        long first = ids.nextSerial();
        long second = ids.nextSerial();
        assertNotEquals(first, second);
        assertEquals(second, ids.serialOf("k3x-" + Long.toString(second, 36)));
        assertEquals(36 * 36 + 35, ids.serialOf("k3x-10z"), "base 36");
    }

    @Test
    void textThatIsNotAnIdGivenOutHereReadsAsMinusOne() {
        for (String text : new String[] {null, "", "k3x-", "k3x-!", "k3x-1-2", "other-1", "1",
                "k3x-zzzzzzzzzzzzzzzzzzzz"}) {
            assertEquals(-1, ids.serialOf(text), String.valueOf(text));
        }
    }

    @Test
    void theDefaultPrefixEndsInADashAndItsIdsReadBack() {
        ManagerIds own = new ManagerIds();
        assertTrue(own.prefix().endsWith("-"));
        long serial = own.nextSerial();
        assertEquals(serial, own.serialOf(own.prefix() + Long.toString(serial, 36)));
    }
}
