/**
 * Integration tests against a real Liberty (Arquillian), one behaviour per test; what they drive the server with
 * is in {@link dev.wsquota.it.support}.
 */
package dev.wsquota.it;
