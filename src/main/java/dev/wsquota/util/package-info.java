/**
 * Logging helpers every layer uses, below all of them: {@link dev.wsquota.util.WeakLogger} keeps the container's
 * logger only weakly, so an undeployed application is not held by it; {@link dev.wsquota.util.LogSafe} escapes
 * user ids before they reach a log line. Nothing here knows about quotas or the container.
 */
package dev.wsquota.util;
