/** Integration tests against a real Liberty (Arquillian) and the test clients they drive it with. */
package dev.wsquota.it;
