package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialCountTest {

    private static final String COOKIE = "wsquota-jwt";

    @Test
    void aBearerHeaderAndTheJwtCookieAreTwo() {
        assertTrue(CredentialCount.bearerAndCookie(List.of("Bearer a.b.c"), List.of("theme", COOKIE), COOKIE));
        assertTrue(CredentialCount.bearerAndCookie(List.of("  bearer a.b.c"), List.of(COOKIE), COOKIE));
    }

    @Test
    void eitherAloneIsOne() {
        assertFalse(CredentialCount.bearerAndCookie(List.of("Bearer a.b.c"), List.of("theme"), COOKIE));
        assertFalse(CredentialCount.bearerAndCookie(List.of(), List.of(COOKIE), COOKIE));
    }

    @Test
    void basicCredentialsAreNotABearerToken() {
        assertFalse(CredentialCount.bearerAndCookie(List.of("Basic YWxpY2U6d3NxdW90YQ=="), List.of(COOKIE), COOKIE));
    }

    @Test
    void anotherCookieNameIsNotTheJwtCookie() {
        assertFalse(CredentialCount.bearerAndCookie(List.of("Bearer a.b.c"), List.of("wsquota-jwt2", "jwt"), COOKIE));
        assertTrue(CredentialCount.bearerAndCookie(List.of("Bearer a.b.c"), List.of("session-token"), "session-token"));
    }
}
