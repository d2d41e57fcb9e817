/** The HTTP API for backends (a servlet at /api): messages to users, their managers, disconnect; publishers only. */
package dev.wsquota.api;
