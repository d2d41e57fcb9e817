/**
 * Helpers every layer uses, below all of them: {@link dev.wsquota.util.WeakLogger} keeps the container's logger only
 * weakly, so an undeployed application is not held by it; {@link dev.wsquota.util.LogSafe} escapes user ids before
 * they reach a log line; {@link dev.wsquota.util.PerKeyWindow} lets one event per key per window through and folds
 * the rest into a count (limit-hit notifications, 429 log lines, the audit of repeated writes). Nothing here knows
 * about quotas or the container.
 */
package dev.wsquota.util;
