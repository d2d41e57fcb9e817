package dev.wsquota.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentClaimsTest {

    @Test
    void listsTheClaimsAskedSinceACutOffByUser() {
        RecentClaims claims = new RecentClaims();
        claims.note("ida", "m1", 100);
        claims.note("ida", "m2", 200);
        claims.note("bo", "m3", 150);
        assertEquals(Map.of("ida", Set.of("m1", "m2"), "bo", Set.of("m3")), claims.since(100));
        assertEquals(Map.of("ida", Set.of("m2")), claims.since(160));
        assertEquals(Map.of("ida", Set.of("m2")), claims.since(0), "older ones are forgotten once cut off");
    }

    @Test
    void aForgottenClaimIsNotListedAndOtherUsersKeepTheirs() {
        RecentClaims claims = new RecentClaims();
        claims.note("ida", "m1", 100);
        claims.note("bo", "m2", 100);
        claims.forget("ida", "m1");
        claims.forget("ida", "unknown");
        claims.forget("nobody", "m9");
        assertEquals(Map.of("bo", Set.of("m2")), claims.since(0));
    }

    @Test
    void askingAgainRestartsTheClaimsTime() {
        RecentClaims claims = new RecentClaims();
        claims.note("ida", "m1", 100);
        claims.note("ida", "m1", 300);
        assertEquals(Map.of("ida", Set.of("m1")), claims.since(200));
    }
}
