/** The operator surface outside JMX: MicroProfile Health checks and Metrics gauges that read the factory. */
package dev.wsquota.ops;
