/** The HTTP API for backends (Jakarta REST at /api): messages to users, their managers, disconnect; publishers only. */
package dev.wsquota.api;
