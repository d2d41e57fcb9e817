package dev.wsquota.ops;

import dev.wsquota.util.WeakLogger;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Says once, at startup, with a WARNING, when the server has no MicroProfile Metrics: the metrics bean is then
 * skipped by CDI with at most an INFO line, and an operator would look for wsquota_* metrics that never come.
 */
@ApplicationScoped
public class MetricsNotice {

    private static final Logger LOG = WeakLogger.of(MetricsNotice.class);

    @Inject
    private BeanManager beans;

    @Resource(lookup = "java:module/ModuleName")
    private String module;

    void check(@Observes @Initialized(ApplicationScoped.class) Object started) {
        MetricsAvailability.missingReason(MetricsNotice.class.getClassLoader(), type -> !beans.getBeans(type).isEmpty())
                .ifPresent(reason -> LOG.warning(MetricsAvailability.warning(module, reason)));
    }
}
