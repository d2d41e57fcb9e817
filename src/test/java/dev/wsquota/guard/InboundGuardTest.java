package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InboundGuardTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000L);

    private InboundGuard guard(int maxBytes, int rate) {
        return new InboundGuard(maxBytes, rate, nanos::get);
    }

    private static String text(InboundGuard.Step step) {
        return assertInstanceOf(InboundGuard.Message.class, step).text();
    }

    private static InboundGuard.Refusal refusal(InboundGuard.Step step) {
        return assertInstanceOf(InboundGuard.Refusal.class, step);
    }

    @Test
    void aMessageExactlyAtTheLimitPassesAndOneByteMoreIsRefusedWith1009() {
        assertEquals("x".repeat(100), text(guard(100, 50).onText("x".repeat(100), true)));
        InboundGuard.Refusal over = refusal(guard(100, 50).onText("x".repeat(101), true));
        assertEquals(1009, over.code());
        assertEquals("message too big: more than 100 bytes", over.reason());
    }

    @Test
    void theLimitIsOnTheAssembledMessageNotOnEachFragment() {
        InboundGuard guard = guard(100, 50);
        assertInstanceOf(InboundGuard.Partial.class, guard.onText("a".repeat(40), false));
        assertInstanceOf(InboundGuard.Partial.class, guard.onText("b".repeat(40), false));
        assertEquals(1009, refusal(guard.onText("c".repeat(21), true)).code());
    }

    @Test
    void fragmentsWithinTheLimitAreAssembledInOrder() {
        InboundGuard guard = guard(100, 50);
        guard.onText("hello, ", false);
        guard.onText("fragmented ", false);
        assertEquals("hello, fragmented world", text(guard.onText("world", true)));
        assertEquals("next", text(guard.onText("next", true)), "a new message starts from zero bytes");
    }

    @Test
    void theLimitCountsUtf8BytesNotChars() {
        // e-acute is 2 bytes, the euro sign 3, an emoji (a surrogate pair) 4.
        assertEquals(50, text(guard(100, 50).onText("\u00e9".repeat(50), true)).length());
        assertEquals(1009, refusal(guard(100, 50).onText("\u00e9".repeat(51), true)).code());
        assertEquals(6, InboundGuard.utf8Length("\u20ac\ud83d\ude00".substring(0, 1) + "\u00e9\u0041"));
        assertEquals(4, InboundGuard.utf8Length("\ud83d\ude00"));
        assertEquals(3, InboundGuard.utf8Length("\u20ac"));
    }

    @Test
    void binaryIsRefusedWith1003() {
        InboundGuard.Refusal refused = refusal(guard(100, 50).onBinary());
        assertEquals(1003, refused.code());
        assertEquals("binary messages are not supported, send text", refused.reason());
    }

    @Test
    void aBurstUpToTheRatePassesAndTheNextIsRefusedWith1008() {
        InboundGuard guard = guard(100, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals("m" + i, text(guard.onText("m" + i, true)));
        }
        InboundGuard.Refusal refused = refusal(guard.onText("one too many", true));
        assertEquals(1008, refused.code());
        assertEquals("rate limit: more than 5 messages per second", refused.reason());
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        InboundGuard guard = guard(100, 5);
        for (int i = 0; i < 5; i++) {
            guard.onText("m", true);
        }
        nanos.addAndGet(200_000_000L); // 0.2 s at 5/s = exactly one token
        assertEquals("again", text(guard.onText("again", true)));
        nanos.addAndGet(199_000_000L); // not quite another one
        assertEquals(1008, refusal(guard.onText("too soon", true)).code());
    }

    @Test
    void aLongIdlePeriodRefillsToTheBurstAndNoFurther() {
        InboundGuard guard = guard(100, 3);
        for (int i = 0; i < 3; i++) {
            guard.onText("m", true);
        }
        nanos.addAndGet(Long.MAX_VALUE / 2); // days of silence must neither overflow nor bank more than a burst
        for (int i = 0; i < 3; i++) {
            text(guard.onText("m", true));
        }
        assertEquals(1008, refusal(guard.onText("m", true)).code());
    }

    @Test
    void aFragmentedMessageTakesOneToken() {
        InboundGuard guard = guard(1000, 2);
        for (int i = 0; i < 9; i++) {
            assertInstanceOf(InboundGuard.Partial.class, guard.onText("f", false));
        }
        text(guard.onText("f", true));
        text(guard.onText("second", true));
        assertEquals(1008, refusal(guard.onText("third", true)).code());
    }

    @Test
    void onceRefusedEverythingAfterIsRefusedWithTheSameAnswer() {
        InboundGuard guard = guard(10, 50);
        InboundGuard.Refusal first = refusal(guard.onText("x".repeat(11), true));
        assertSame(first, guard.onText("ok", true));
        assertSame(first, guard.onBinary());
        assertSame(first, guard.refused);
        assertNull(guard(10, 50).refused);
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> guard(0, 5));
        assertThrows(IllegalArgumentException.class, () -> guard(5, 0));
    }

    @Test
    void noBufferIsKeptBetweenMessages() {
        InboundGuard guard = new InboundGuard(65_536, 50, () -> 0L);
        assertNull(guard.assembling);
        guard.onText("x".repeat(30_000), false);
        assertEquals(30_000, guard.assembling.length());
        guard.onText("y".repeat(30_000), true);
        assertNull(guard.assembling, "a long-lived connection must not keep its largest message's buffer");
        guard.onText("single frame", true);
        assertNull(guard.assembling);
    }
}
