/** The quota itself, in plain Java with no container type: the registry of managers, admission, release, cleanup, the ping sweep and the drift check. */
package dev.wsquota.quota;
