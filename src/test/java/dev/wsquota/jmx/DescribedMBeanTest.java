package dev.wsquota.jmx;

import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationBroadcasterSupport;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything an operator sees in JConsole's MBeanInfo is described, with real parameter names. */
class DescribedMBeanTest {

    private static MBeanInfo info() {
        ManagerFactoryMXBean unused = (ManagerFactoryMXBean) Proxy.newProxyInstance(
                ManagerFactoryMXBean.class.getClassLoader(), new Class<?>[]{ManagerFactoryMXBean.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException("only the MBeanInfo is read here");
                });
        return new DescribedMBean<>(unused, ManagerFactoryMXBean.class, new NotificationBroadcasterSupport())
                .getMBeanInfo();
    }

    @Test
    void everyInterfaceMethodCarriesADescriptionAndEveryParameterAName() {
        for (Method method : Stream.of(ManagerFactoryMXBean.class, GuardMXBean.class, ClusterMXBean.class,
                        InboundMXBean.class)
                .flatMap(mxbean -> Arrays.stream(mxbean.getDeclaredMethods())).toList()) {
            Description description = method.getAnnotation(Description.class);
            assertNotNull(description, method.getName() + " has no @Description");
            assertFalse(description.value().isBlank(), method.getName());
            assertEquals(method.getParameterCount(), description.params().length, method.getName()
                    + " parameter names");
        }
    }

    @Test
    void theMBeanInfoShowsDescriptionsUnitsAndParameterNames() {
        MBeanInfo info = info();
        MBeanAttributeInfo interval = Arrays.stream(info.getAttributes())
                .filter(a -> a.getName().equals("CleanupIntervalSeconds")).findFirst().orElseThrow();
        assertTrue(interval.getDescription().startsWith("Seconds between two runs of the cleanup timer"),
                interval.getDescription());
        assertTrue(interval.getDescription()
                .contains("Writable: Reschedules the cleanup timer at once; 1 to 86,400 seconds."),
                interval.getDescription());
        MBeanOperationInfo setUserQuota = Arrays.stream(info.getOperations())
                .filter(o -> o.getName().equals("setUserQuota")).findFirst().orElseThrow();
        assertEquals(Arrays.asList("user", "managers"),
                Arrays.stream(setUserQuota.getSignature()).map(MBeanParameterInfo::getName).toList());
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            assertFalse(attribute.getDescription().equals(attribute.getName()), attribute.getName()
                    + " is undescribed");
        }
    }
}
