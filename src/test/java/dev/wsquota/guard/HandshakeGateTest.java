package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeGateTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String COOKIE = "wsquota-jwt";

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final HandshakeSettings handshakes = new HandshakeSettings(10, 30);
    private final HandshakeLimiter limiter = new HandshakeLimiter(10, 30, nanos::get);
    private final GuardStatistics statistics = new GuardStatistics();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final HandshakeGate gate = new HandshakeGate(
            GuardSettings.load(key -> Optional.empty()), statistics, handshakes, Optional.of(limiter), COOKIE,
                    stopping::get);

    /** A well-formed handshake of {@code user} from a page on the server's own host. */
    private static HandshakeGate.Request handshake(String user) {
        return new HandshakeGate.Request("GET", "HTTP/1.1", "websocket", "13", KEY, List.of("Basic x"), List.of(),
                List.of("http://localhost:9080"), "localhost:9080", user);
    }

    private static HandshakeGate.Request fromOrigin(String user, String origin) {
        HandshakeGate.Request ok = handshake(user);
        return new HandshakeGate.Request(ok.method(), ok.protocol(), ok.upgrade(), ok.version(), ok.key(),
                ok.authorization(), ok.cookieNames(), List.of(origin), ok.host(), user);
    }

    /** A handshake that fails every step the gate has: which step answers says which runs first. */
    private HandshakeGate.Request failingEverything(String user) {
        for (int i = 0; i < 30; i++) {
            limiter.charge(user);
        }
        stopping.set(true);
        return new HandshakeGate.Request("GET", "HTTP/1.1", "websocket", "8", KEY, List.of("Bearer t"), List.of(COOKIE),
                List.of("http://evil.example"), "localhost:9080", user);
    }

    private Optional<HandshakeGate.Step> stepThatRefuses(HandshakeGate.Request request) {
        return gate.check(request).map(HandshakeGate.Refusal::step);
    }

    @Test
    void theStepsRunInTheDocumentedOrder() {
        assertEquals(List.of(HandshakeGate.Step.STOPPING, HandshakeGate.Step.UPGRADE, HandshakeGate.Step.CREDENTIAL,
                HandshakeGate.Step.ORIGIN, HandshakeGate.Step.USER_RATE), List.of(HandshakeGate.Step.values()));
        // Take the first refusing step away, one at a time: the next one in the order must answer.
        HandshakeGate.Request all = failingEverything("alice");
        List<HandshakeGate.Step> seen = new ArrayList<>();
        seen.add(stepThatRefuses(all).orElseThrow());
        stopping.set(false);
        seen.add(stepThatRefuses(all).orElseThrow());
        HandshakeGate.Request goodVersion = new HandshakeGate.Request(all.method(), all.protocol(), all.upgrade(), "13",
                all.key(), all.authorization(), all.cookieNames(), all.origins(), all.host(), all.user());
        seen.add(stepThatRefuses(goodVersion).orElseThrow());
        HandshakeGate.Request oneCredential = new HandshakeGate.Request(all.method(), all.protocol(), all.upgrade(),
                "13",
                all.key(), all.authorization(), List.of(), all.origins(), all.host(), all.user());
        seen.add(stepThatRefuses(oneCredential).orElseThrow());
        seen.add(stepThatRefuses(handshake("alice")).orElseThrow());
        assertEquals(List.of(HandshakeGate.Step.values()), seen);
    }

    @Test
    void eachRefusalHasItsStatusAndHeaders() {
        HandshakeGate.Request all = failingEverything("alice");
        HandshakeGate.Refusal draining = gate.check(all).orElseThrow();
        assertEquals(503, draining.status());
        assertTrue(draining.reason().startsWith("server draining"), draining.reason());
        stopping.set(false);
        assertEquals("13", gate.check(all).orElseThrow().headers().get("Sec-WebSocket-Version"));
        HandshakeGate.Refusal rate = gate.check(handshake("alice")).orElseThrow();
        assertEquals(429, rate.status());
        assertEquals("1", rate.headers().get("Retry-After"), "one refused attempt's token comes back in 100 ms");
        assertEquals(1, statistics.get(GuardStatistics.Refused.HANDSHAKE_RATE));
    }

    @Test
    void healthyChurnIsNeverThrottled() {
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Optional.empty(), gate.check(handshake("alice")), "attempt " + i);
        }
    }

    @Test
    void aForeignOriginStormLeavesTheVictimsBudgetUntouched() {
        for (int i = 0; i < 1_000; i++) {
            HandshakeGate.Refusal refusal = gate.check(fromOrigin("alice", "http://localhost:9098")).orElseThrow();
            assertEquals(HandshakeGate.Step.ORIGIN, refusal.step());
            assertEquals(403, refusal.status());
        }
        assertEquals(0, limiter.retryAfterMillis("alice"), "no token of alice's was spent");
        assertEquals(Optional.empty(), gate.check(handshake("alice")), "alice's own page still connects");
        assertEquals(1_000, statistics.get(GuardStatistics.Refused.ORIGIN));
        assertEquals(0, statistics.get(GuardStatistics.Refused.HANDSHAKE_RATE));
    }

    @Test
    void anAnonymousStormSpendsNobodysBudget() {
        for (int i = 0; i < 1_000; i++) {
            gate.check(handshake(null));
        }
        assertEquals(0, limiter.buckets.size(), "no bucket was even created");
    }

    @Test
    void aLoopOfRefusedAttemptsGets429AfterTheBurst() {
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            if (gate.check(handshake("mallory")).isEmpty()) {
                passed++;
                gate.refusedAfterUpgrade("mallory"); // e.g. 1013 quota exceeded
            }
        }
        assertEquals(30, passed, "the burst of refusals, then 429 until a token comes back");
        nanos.addAndGet(100_000_000L);
        assertEquals(Optional.empty(), gate.check(handshake("mallory")), "10/s: one more after 100 ms");
        assertEquals(Optional.empty(), gate.check(handshake("bob")), "bob is untouched");
    }
}
