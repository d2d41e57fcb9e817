package dev.wsquota.inbound;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundSettingsTest {

    private static InboundSettings load(Map<String, String> values) {
        return InboundSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void nothingConfiguredEchoes() {
        assertEquals(InboundSettings.DEFAULTS, load(Map.of()));
        assertEquals(InboundMode.ECHO, load(Map.of()).mode());
    }

    @Test
    void forwardNeedsAnHttpUrlAndKeepsItsSecretOutOfToString() {
        InboundSettings settings = load(Map.of(InboundSettings.MODE, "Forward",
                InboundSettings.FORWARD_URL, "http://127.0.0.1:8080/hook", InboundSettings.FORWARD_SECRET, "s3cret"));
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8080/hook")), settings.forwardUrl());
        assertEquals(5_000, settings.forwardTimeoutMillis());
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
        assertTrue(settings.toString().contains("secret set"), settings.toString());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> load(Map.of(InboundSettings.MODE, "forward")));
        assertTrue(missing.getMessage().contains(InboundSettings.FORWARD_URL), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(Map.of(InboundSettings.MODE, "forward",
                InboundSettings.FORWARD_URL, "ftp://example.com/x")));
    }

    @Test
    void badValuesNameTheirKey() {
        for (Map<String, String> bad : new Map[] {Map.of(InboundSettings.MODE, "stomp"),
                Map.of(InboundSettings.MAX_IN_FLIGHT, "0"), Map.of(InboundSettings.FORWARD_TIMEOUT, "soon"),
                Map.of(InboundSettings.FORWARD_LIFECYCLE, "yes"), Map.of(InboundSettings.FORWARD_SECRET, "a\nb")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(bad));
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
        }
    }

    @Test
    void aUrlOutsideForwardModeIsNotApplied() {
        assertEquals(Optional.empty(), load(Map.of(InboundSettings.MODE, "cdi",
                InboundSettings.FORWARD_URL, "http://127.0.0.1/x")).forwardUrl());
    }
}
