package dev.wsquota.quota;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {

    private static Settings load(Map<String, String> values) {
        return Settings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaultsApplyWhereAKeyIsAbsent() {
        assertEquals(new Settings(5, 10_000, 30, 300, 20, 10, 0, 5_000, OnLimitPolicy.REJECT, 30), load(Map.of()));
    }

    @Test
    void valuesAreRead() {
        assertEquals(new Settings(3, 50, 2, 0, 0, 1, 5, 250, OnLimitPolicy.EVICT_OLDEST, 5), load(Map.of(
                Settings.MAX_MANAGERS_PER_USER, "3", Settings.MAX_MANAGERS_TOTAL, " 50 ",
                Settings.CLEANUP_INTERVAL_SECONDS, "2", Settings.IDLE_TIMEOUT_SECONDS, "0",
                Settings.PING_INTERVAL_SECONDS, "0", Settings.PONG_TIMEOUT_SECONDS, "1",
                Settings.PROBE_AFTER_SECONDS, "5", Settings.PROBE_TIMEOUT_MILLIS, "250",
                Settings.ON_LIMIT, "Evict-Oldest", Settings.DRAIN_SECONDS, "5")));
    }

    @Test
    void badValuesFailWithTheKeyTheValueAndWhatIsAllowed() {
        assertEquals("wsquota.max-managers-per-user must be between 1 and 1000000, was 0",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(Settings.MAX_MANAGERS_PER_USER, "0"))).getMessage());
        assertEquals("wsquota.cleanup-interval-seconds must be a whole number, was 'five'",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(Settings.CLEANUP_INTERVAL_SECONDS, "five"))).getMessage());
        assertEquals("wsquota.cleanup-interval-seconds must be between 1 and 86400 seconds, was 86401",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(Settings.CLEANUP_INTERVAL_SECONDS, "86401"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(Map.of(Settings.IDLE_TIMEOUT_SECONDS, "-1")));
        assertThrows(IllegalArgumentException.class, () -> load(Map.of(Settings.PONG_TIMEOUT_SECONDS, "0")));
        assertEquals("wsquota.probe-timeout-millis must be between 1 and 30000 milliseconds, was 30001",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(Settings.PROBE_TIMEOUT_MILLIS, "30001"))).getMessage());
        assertEquals("wsquota.drain-seconds must be between 1 and 3600 seconds, was 0",
                assertThrows(IllegalArgumentException.class,
                        () -> load(Map.of(Settings.DRAIN_SECONDS, "0"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(Map.of(Settings.DRAIN_SECONDS, "3601")));
        assertEquals("wsquota.on-limit must be one of reject, evict-oldest, was 'drop'",
                assertThrows(IllegalArgumentException.class, () -> load(Map.of(Settings.ON_LIMIT, "drop")))
                        .getMessage());
    }

    @Test
    void theLoggedTextNamesEverySetting() {
        assertEquals(
                "Settings[maxManagersPerUser=5, maxManagersTotal=10000, cleanupIntervalSeconds=30, "
                + "idleTimeoutSeconds=300, "
                        + "pingIntervalSeconds=20, pongTimeoutSeconds=10, probeAfterSeconds=0, "
                        + "probeTimeoutMillis=5000, onLimit=REJECT, drainSeconds=30]",
                load(Map.of()).toString());
    }
}
