package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloseCodesTest {

    @Test
    void shortReasonsAreKept() {
        assertEquals("quota exceeded: 5/5 managers for alice",
                CloseCodes.fitReason("quota exceeded: 5/5 managers for alice"));
    }

    @Test
    void longReasonsAreCutTo123BytesWithoutSplittingACharacter() {
        String reason = "quota exceeded: 5/5 managers for " + "\u00e9\ud83d\ude00".repeat(100);
        String fitted = CloseCodes.fitReason(reason);
        assertTrue(fitted.getBytes(StandardCharsets.UTF_8).length <= 123, fitted);
        assertTrue(fitted.endsWith("..."));
        assertTrue(fitted.startsWith("quota exceeded: 5/5 managers for "));
        assertEquals(fitted, new String(fitted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "valid UTF-8");
    }

    @Test
    void aRejectionOfAVeryLongUserIdStaysWithinTheLimit() {
        String user = "x".repeat(10_000);
        String reason = Admission.rejected(Admission.Outcome.USER_QUOTA, user, 5, 5).rejectReason();
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123);
        assertTrue(reason.startsWith("quota exceeded: 5/5 managers for xxx"));
    }
}
