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

import java.security.Principal;
import java.util.Optional;

/**
 * Puts the factory's MXBean on the platform MBeanServer when the application starts and connects its
 * notifications to the beans that report events; takes both away again before the beans stop.
 */
@Singleton
@Startup
@DependsOn({"ManagerFactory", "PingSweepTimer", "TimerWatchdog"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // set once at start; nothing to lock
@TransactionManagement(TransactionManagementType.BEAN) // no transactional resources
public class AdminRegistration {

    @EJB
    private ManagerFactory factory;

    @EJB
    private PingSweepTimer sweepTimer;

    @EJB
    private TimerWatchdog watchdog;

    @Resource
    private SessionContext context;

    private PlatformRegistration registration;

    @PostConstruct
    void start() {
        OperatorNotifications notifications = new OperatorNotifications();
        AdminRegistration self = context.getBusinessObject(AdminRegistration.class);
        ManagerFactoryAdmin admin = new ManagerFactoryAdmin(factory, sweepTimer, watchdog,
                new AdminAudit(notifications, self::callerName));
        registration = PlatformRegistration.register(new DescribedMBean<>(admin, ManagerFactoryMXBean.class, notifications),
                ManagerFactoryAdmin.OBJECT_NAME, "operators cannot see or steer this instance");
        factory.setOperatorEvents(notifications);
        watchdog.setOperatorEvents(notifications);
    }

    @PreDestroy
    void stop() {
        factory.setOperatorEvents(OperatorEvents.NONE);
        watchdog.setOperatorEvents(OperatorEvents.NONE);
        registration.unregister();
    }

    /** The container's caller of this call (e.g. the REST connector's authenticated user), or empty if unauthenticated. */
    public Optional<String> callerName() {
        Principal caller = context.getCallerPrincipal();
        String name = caller == null ? null : caller.getName();
        return name == null || name.isBlank() || "UNAUTHENTICATED".equals(name) ? Optional.empty() : Optional.of(name);
    }
}
