/** Plain-Java guards against hostile input: allowed origins, and the size, rate and kind of inbound messages. */
package dev.wsquota.guard;
