/**
 * The operator surface outside JMX: MicroProfile Health checks and MicroProfile Metrics gauges. Each class
 * is a thin adapter that reads {@link dev.wsquota.ejb.ManagerFactory}; the numbers live in the factory.
 */
package dev.wsquota.ops;
