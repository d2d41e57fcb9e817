/**
 * The operator's JMX surface: the ManagerFactory and Guard MXBeans, their notifications and the audit of every change.
 */
package dev.wsquota.jmx;
