package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginPolicyTest {

    private static boolean allows(OriginPolicy policy, String origin, String host) {
        return policy.check(origin, host).allowed();
    }

    @Test
    void theDefaultAllowsTheSameHostOnly() {
        OriginPolicy policy = OriginPolicy.parse("");
        assertTrue(policy.sameHostOnly());
        assertTrue(allows(policy, "http://127.0.0.1:9080", "127.0.0.1:9080"));
        assertTrue(allows(policy, "HTTP://App.Example.COM", "app.example.com"));
        assertTrue(allows(policy, "https://app.example.com", "app.example.com:443"));
        assertTrue(allows(policy, "http://app.example.com:80", "app.example.com"));
        assertFalse(allows(policy, "http://evil.example", "127.0.0.1:9080"));
        assertFalse(allows(policy, "http://127.0.0.1:9081", "127.0.0.1:9080"), "another port is another origin");
        assertFalse(allows(policy, "http://127.0.0.1:9080.evil.example", "127.0.0.1:9080"));
        assertFalse(allows(policy, "http://127.0.0.1:9080", null), "no Host, no same host");
        assertFalse(allows(policy, "http://127.0.0.1:9080", "127.0.0.1:9080\r\nX: y"));
    }

    @Test
    void noOriginHeaderIsANonBrowserClientAndAllowed() {
        assertTrue(allows(OriginPolicy.parse(""), null, "127.0.0.1:9080"));
        assertTrue(allows(OriginPolicy.parse("https://app.example.com"), null, null));
    }

    @Test
    void theNullOriginIsNeverAllowedNotEvenWithAStar() {
        assertFalse(allows(OriginPolicy.parse(""), "null", "127.0.0.1:9080"));
        assertFalse(allows(OriginPolicy.parse("*"), "null", "127.0.0.1:9080"));
        assertFalse(allows(OriginPolicy.parse("*"), " NULL ", "127.0.0.1:9080"));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse("null"));
    }

    @Test
    void aListAllowsExactlyItsOriginsIgnoringCaseAndDefaultPorts() {
        OriginPolicy policy = OriginPolicy.parse(" https://App.example.com:443 , http://localhost:3000,");
        assertEquals(List.of("https://app.example.com", "http://localhost:3000"), policy.allowed());
        assertTrue(allows(policy, "https://app.example.com", "gateway.internal"));
        assertTrue(allows(policy, "http://LOCALHOST:3000", "gateway.internal"));
        assertFalse(allows(policy, "http://app.example.com", "app.example.com"),
                "scheme matters; same host no longer counts");
        assertFalse(allows(policy, "https://app.example.com.evil.example", "gateway.internal"));
        assertFalse(allows(policy, "http://localhost:3001", "gateway.internal"));
    }

    @Test
    void malformedOriginsAreRefused() {
        OriginPolicy policy = OriginPolicy.parse("*");
        assertTrue(allows(policy, "https://anything.example", null));
        for (String bad : new String[] {"", "evil.example", "ftp://evil.example", "https://evil.example/",
                "https://evil.example/path", "https://user@evil.example", "https://evil.example:99999",
                "https://evil.example:0", "javascript:alert(1)", "https://evil.example\n"}) {
            assertFalse(allows(policy, bad, null), bad);
        }
    }

    @Test
    void aListWithSomethingThatIsNotAnOriginFailsToLoadAndSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OriginPolicy.parse("https://ok.example, app.example.com"));
        assertTrue(e.getMessage().startsWith("'app.example.com' is not an origin"), e.getMessage());
        assertNull(OriginPolicy.normalize("https://ok.example/"));
    }
}
