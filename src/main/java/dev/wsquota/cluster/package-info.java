/** The cluster-wide quota on embedded Hazelcast: leased slots in one map, claimed atomically per user, freed when a node dies. */
package dev.wsquota.cluster;
