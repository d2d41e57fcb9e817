package dev.wsquota.guard;

import java.util.List;
import java.util.Locale;

/**
 * Whether a handshake carries a JWT twice, as a Bearer token in the Authorization header and in the JWT cookie:
 * two identities, of which servers pick differently (Liberty refuses, WildFly's MicroProfile JWT takes the cookie).
 */
public final class CredentialCount {

    private CredentialCount() {
    }

    /**
     * @param authorizationHeaders every Authorization header of the request
     * @param cookieNames          the names of every cookie of the request
     * @param jwtCookie            the name of the cookie that carries the JWT
     */
    public static boolean bearerAndCookie(List<String> authorizationHeaders, List<String> cookieNames,
            String jwtCookie) {
        boolean bearer = authorizationHeaders.stream()
                .anyMatch(value -> value.trim().toLowerCase(Locale.ROOT).startsWith("bearer "));
        return bearer && cookieNames.contains(jwtCookie);
    }
}
