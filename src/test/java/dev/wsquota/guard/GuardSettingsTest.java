package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardSettingsTest {

    private static GuardSettings load(Map<String, String> values) {
        return GuardSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaults() {
        GuardSettings settings = load(Map.of());
        assertTrue(settings.allowedOrigins().sameHostOnly());
        assertEquals(65_536, settings.maxMessageBytes());
        assertEquals(50, settings.maxMessagesPerSecond());
    }

    @Test
    void valuesAreRead() {
        GuardSettings settings = load(Map.of(GuardSettings.ALLOWED_ORIGINS, "https://a.example,https://b.example",
                GuardSettings.MAX_MESSAGE_BYTES, " 1024 ", GuardSettings.MAX_MESSAGES_PER_SECOND, "7"));
        assertEquals(List.of("https://a.example", "https://b.example"), settings.allowedOrigins().allowed());
        assertEquals(1024, settings.maxMessageBytes());
        assertEquals(7, settings.maxMessagesPerSecond());
    }

    @Test
    void badValuesFailWithTheKeyAndWhatIsAllowed() {
        assertEquals("wsquota.max-message-bytes must be between 1 and 1048576, was 0",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(GuardSettings.MAX_MESSAGE_BYTES, "0"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(Map.of(GuardSettings.MAX_MESSAGE_BYTES, "1048577")));
        assertEquals("wsquota.max-messages-per-second must be a whole number, was 'fast'",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(GuardSettings.MAX_MESSAGES_PER_SECOND, "fast"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> load(Map.of(GuardSettings.ALLOWED_ORIGINS, "example.com"))).getMessage()
                .startsWith("wsquota.allowed-origins: 'example.com' is not an origin"));
    }
}
