package dev.wsquota.ops;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsAvailabilityTest {

    /** The test classpath has the MicroProfile Metrics API (provided scope). */
    private static final ClassLoader WITH_API = MetricsAvailabilityTest.class.getClassLoader();
    /** Only the JDK: no MicroProfile Metrics API, as on WildFly 39. */
    private static final ClassLoader WITHOUT_API = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());

    @Test
    void apiAndBeanPresentMeansNoWarning() {
        assertEquals(Optional.empty(), MetricsAvailability.missingReason(WITH_API, type -> true));
    }

    @Test
    void aMissingApiIsReportedWithoutThrowing() {
        String reason = MetricsAvailability.missingReason(WITHOUT_API, type -> true).orElseThrow();
        assertTrue(reason.startsWith("the MicroProfile Metrics API is not visible"), reason);
        assertTrue(reason.contains(MetricsAvailability.REGISTRY_CLASS), reason);
    }

    @Test
    void anApiWithoutARegistryBeanIsReported() {
        String reason = MetricsAvailability.missingReason(WITH_API, type -> false).orElseThrow();
        assertEquals("the MicroProfile Metrics API is visible but the server provides no MetricRegistry bean", reason);
    }

    @Test
    void theBeanCheckIsAskedAboutTheRegistryType() {
        List<String> asked = new ArrayList<>();
        MetricsAvailability.missingReason(WITH_API, type -> asked.add(type.getName()));
        assertEquals(List.of(MetricsAvailability.REGISTRY_CLASS), asked);
    }

    @Test
    void theWarningSaysTheMetricsAreOffAndWhereTheNumbersAre() {
        String warning = MetricsAvailability.warning("shop", "no API");
        assertEquals("wsquota (module shop): the wsquota_* metrics are OFF because no API. JMX has the same numbers: "
                + "MXBeans dev.wsquota:type=ManagerFactory and dev.wsquota:type=Guard.", warning);
    }
}
