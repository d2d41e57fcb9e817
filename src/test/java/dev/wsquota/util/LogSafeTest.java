package dev.wsquota.util;

import dev.wsquota.quota.UserIds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogSafeTest {

    @Test
    void controlCharactersAreEscapedSoNoLogLineCanBeForged() {
        String shown = LogSafe.user("eve\nINFO forged line\r\u0000");
        assertFalse(shown.contains("\n"));
        assertFalse(shown.contains("\r"));
        assertEquals("eve\\u000aINFO forged line\\u000d\\u0000", shown);
    }

    @Test
    void longIdsAreCutAndMarked() {
        assertEquals("a".repeat(64) + "...(10000 chars)", LogSafe.user("a".repeat(10_000)));
    }

    @Test
    void userIdsFromOutsideAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> UserIds.check(null));
        assertThrows(IllegalArgumentException.class, () -> UserIds.check("  "));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () ->
                UserIds.check("u".repeat(257)));
        assertEquals("user must be at most 256 characters, was 257", tooLong.getMessage());
        assertEquals("alice", UserIds.check("alice"));
    }
}
