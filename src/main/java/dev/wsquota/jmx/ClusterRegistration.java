package dev.wsquota.jmx;

import dev.wsquota.ejb.ClusterNode;
import dev.wsquota.ejb.ManagerFactory;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

/** Puts the cluster's MXBean on the platform MBeanServer for as long as the application runs. */
@Singleton
@Startup
@DependsOn({"ClusterNode", "ManagerFactory"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ClusterRegistration {

    @EJB
    private ClusterNode node;

    @EJB
    private ManagerFactory factory;

    private PlatformRegistration registration;

    @PostConstruct
    void register() {
        ClusterAdmin admin = new ClusterAdmin(node, factory);
        registration = PlatformRegistration.register(new DescribedMBean<>(admin, ClusterMXBean.class, admin),
                ClusterAdmin.OBJECT_NAME, "the cluster view is not visible for this instance");
        node.setEvents(admin);
    }

    @PreDestroy
    void unregister() {
        node.setEvents(null);
        registration.unregister();
    }
}
