package dev.wsquota.jmx;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * An MXBean whose MBeanInfo carries the {@link Description}s of its interface, so JConsole shows units and parameter
 * names.
 */
final class DescribedMBean<T> extends StandardEmitterMBean {

    private final Class<T> mxbeanInterface;

    DescribedMBean(T implementation, Class<T> mxbeanInterface, NotificationEmitter emitter) {
        super(implementation, mxbeanInterface, true, emitter);
        this.mxbeanInterface = mxbeanInterface;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description description = mxbeanInterface.getAnnotation(Description.class);
        return description != null ? description.value() : super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        String read = method("get" + info.getName(), 0).or(() -> method("is" + info.getName(), 0))
                .map(m -> m.getAnnotation(Description.class))
                .map(Description::value)
                .orElse(super.getDescription(info));
        if (!info.isWritable()) {
            return read;
        }
        return method("set" + info.getName(), 1).map(m -> m.getAnnotation(Description.class))
                .map(write -> read + " Writable: " + write.value())
                .orElse(read);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return description(info).map(Description::value).orElse(super.getDescription(info));
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return description(op).filter(d -> d.params().length > sequence).map(d -> d.params()[sequence])
                .orElse(super.getParameterName(op, param, sequence));
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return getParameterName(op, param, sequence);
    }

    private Optional<Description> description(MBeanOperationInfo info) {
        return method(info.getName(), info.getSignature().length).map(m -> m.getAnnotation(Description.class));
    }

    private Optional<Method> method(String name, int parameters) {
        return Arrays.stream(mxbeanInterface.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == parameters)
                .findFirst();
    }
}
