/** The benchmark and soak driver (-Pbench): runs each step against 127.0.0.1 and writes bench/RESULTS.md. */
package dev.wsquota.bench;
