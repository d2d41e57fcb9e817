/** JMH microbenchmarks of the plain registry: admission, contention, cleanup, ping sweep and footprint. */
package dev.wsquota.bench.jmh;
