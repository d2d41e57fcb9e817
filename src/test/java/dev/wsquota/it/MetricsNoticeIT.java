package dev.wsquota.it;

import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.OpsHttp;
import dev.wsquota.it.support.ServerLog;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metrics are optional and loud: where the server scrapes wsquota_* metrics nothing warns; where it does not
 * (WildFly 39 has no MicroProfile Metrics) exactly one WARNING for this deployment says they are off and that
 * JMX has the numbers.
 */
@Tag("portable") // also runs on WildFly (-Pwildfly)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MetricsNoticeIT {

    private static final String MODULE = "metricsnotice";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product(MODULE);
    }

    @Test
    void eitherTheMetricsAreScrapedOrOneWarningSaysTheyAreOff() {
        String marker = "wsquota (module " + MODULE + "): the wsquota_* metrics are OFF";
        HttpResponse<String> scrape = OpsHttp.get("/metrics?scope=application");
        boolean scraped = scrape.statusCode() == 200 && scrape.body().contains("wsquota_managers_active");
        List<String> warnings = ServerLog.read().lines().filter(line -> line.contains(marker)).toList();
        if (scraped) {
            assertEquals(List.of(), warnings, "metrics are scraped, so nothing may say they are off");
        } else {
            assertEquals(1, warnings.size(), "no wsquota_* metrics (HTTP " + scrape.statusCode()
                    + "): exactly one warning " + warnings);
            String warning = warnings.get(0);
            assertTrue(warning.contains("WARN"), warning);
            assertTrue(
                    warning.contains(
                    "JMX has the same numbers: MXBeans dev.wsquota:type=ManagerFactory and dev.wsquota:type=Guard."),
                    warning);
        }
    }
}
