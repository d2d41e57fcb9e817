package dev.wsquota.inbound;

import dev.wsquota.quota.WeakLogger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ends a JDK {@link HttpClient}'s selector thread when the application stops, instead of after the next GC found the
 * client unreferenced: until then that thread keeps the client, its executor and so the application's class loader.
 * On Java 21 and later through the client's own {@code shutdownNow()}; Java 17 has none, and there the selector
 * thread, named after the client's number ({@code HttpClient-N-SelectorManager}), ends when it is interrupted.
 */
final class HttpClientShutdown {

    /** How long {@link #stop} waits for the selector thread to end. */
    static final long JOIN_MILLIS = 2_000;

    private static final Logger LOG = WeakLogger.of(HttpClientShutdown.class);
    /** The client's number at the end of its toString, e.g. "jdk.internal.net.http.HttpClientImpl@1b2c3d(7)". */
    private static final Pattern NUMBER = Pattern.compile("\\((\\d+)\\)$");

    private HttpClientShutdown() {
    }

    /** Stops the client and returns whether its selector thread has ended within {@link #JOIN_MILLIS}. */
    static boolean stop(HttpClient client) {
        Optional<Thread> selector = selectorThread(client);
        Optional<Method> shutdownNow = shutdownNow();
        if (shutdownNow.isPresent()) {
            try {
                shutdownNow.get().invoke(client);
            } catch (IllegalAccessException | InvocationTargetException e) {
                LOG.log(Level.WARNING, "HttpClient.shutdownNow failed; its selector thread is interrupted instead", e);
                selector.ifPresent(Thread::interrupt);
            }
        } else {
            selector.ifPresent(Thread::interrupt);
        }
        if (selector.isEmpty()) {
            LOG.info(() -> "no selector thread found for " + client + "; if it runs, it ends after a GC");
            return false;
        }
        try {
            selector.get().join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the stop itself is being interrupted: it reports what it saw
        }
        return !selector.get().isAlive();
    }

    /** The live selector thread of this client, found by the name the JDK gives it. */
    static Optional<Thread> selectorThread(HttpClient client) {
        Matcher number = NUMBER.matcher(client.toString());
        if (!number.find()) {
            return Optional.empty();
        }
        String name = "HttpClient-" + number.group(1) + "-SelectorManager";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name) && thread.isAlive())
                .findFirst();
    }

    private static Optional<Method> shutdownNow() {
        try {
            return Optional.of(HttpClient.class.getMethod("shutdownNow"));
        } catch (NoSuchMethodException e) {
            return Optional.empty(); // Java 17: the selector thread is interrupted instead
        }
    }
}
