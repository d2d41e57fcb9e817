/** The container's side of the quota: the startup beans that hold the registry under container locks and run its timers. */
package dev.wsquota.ejb;
