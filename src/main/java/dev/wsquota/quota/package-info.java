/** The quota itself, in plain Java with no container type: the registry of managers, admission, release, cleanup, the ping sweep, the drift check and the drain. */
package dev.wsquota.quota;
