package dev.wsquota.jmx;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.PingSweepTimer;
import dev.wsquota.ejb.TimerWatchdog;
import dev.wsquota.quota.OperatorEvents;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;

import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts the factory's MXBean on the platform MBeanServer when the application starts and connects its
 * notifications to the beans that report events; takes both away again before the beans stop.
 */
@Singleton
@Startup
@DependsOn({"ManagerFactory", "PingSweepTimer", "TimerWatchdog"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // set once at start; nothing to lock
@TransactionManagement(TransactionManagementType.BEAN) // no transactional resources
public class ManagerFactoryRegistration {

    @EJB
    private ManagerFactory factory;

    @EJB
    private PingSweepTimer sweepTimer;

    @EJB
    private TimerWatchdog watchdog;

    @Resource
    private SessionContext context;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private PlatformRegistration registration;
    private AdminAudit audit;
    private ManagerFactoryAdmin admin;
    private ScheduledFuture<?> auditFlush;

    @PostConstruct
    void start() {
        OperatorNotifications notifications = new OperatorNotifications();
        ManagerFactoryRegistration self = context.getBusinessObject(ManagerFactoryRegistration.class);
        audit = new AdminAudit(notifications, self::callerName);
        admin = new ManagerFactoryAdmin(factory, sweepTimer, watchdog, audit);
        registration = PlatformRegistration.register(
                new DescribedMBean<>(admin, ManagerFactoryMXBean.class, notifications),
                ManagerFactoryAdmin.OBJECT_NAME, "operators cannot see or steer this instance");
        factory.setOperatorEvents(notifications);
        watchdog.setOperatorEvents(notifications);
        // Folded audit records come out when their second ends, even if no write follows.
        auditFlush = scheduler.scheduleAtFixedRate(audit::flush, AdminAudit.FOLD_WINDOW_MILLIS,
                AdminAudit.FOLD_WINDOW_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        factory.setOperatorEvents(OperatorEvents.NONE);
        watchdog.setOperatorEvents(OperatorEvents.NONE);
        auditFlush.cancel(false);
        audit.flushAll();
        registration.unregister();
    }

    /**
     * This application's own operator surface, for callers in the application that act for an operator (the HTTP
     * drain): the same validation and audit as JMX, and never another deployed copy's MXBean of the same name.
     */
    public ManagerFactoryMXBean admin() {
        return admin;
    }

    /**
     * Records a call of the HTTP API like an operator's JMX write: one audit line and a notification, naming the
     * caller the container authenticated.
     */
    public void recordApiCall(String what, Object result, String description) {
        audit.record(what, "", result, description);
    }

    /**
     * The container's caller of this call (e.g. the REST connector's authenticated user), or empty if unauthenticated.
     */
    public Optional<String> callerName() {
        Principal caller = context.getCallerPrincipal();
        String name = caller == null ? null : caller.getName();
        return name == null || name.isBlank() || "UNAUTHENTICATED".equals(name) ? Optional.empty() : Optional.of(name);
    }
}
