/** The comparison endpoint without any quota, so the cost of the quota is measured as a ratio. */
package dev.wsquota.bench.bare;
