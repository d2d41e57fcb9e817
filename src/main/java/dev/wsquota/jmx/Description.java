package dev.wsquota.jmx;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What JConsole shows for an MXBean member: the description (tooltips, MBeanInfo) and the operation's
 * parameter names, which the MXBean introspector would otherwise call p0, p1.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Description {

    /** The description, with the unit. */
    String value();

    /** Parameter names of an operation, in order. */
    String[] params() default {};
}
