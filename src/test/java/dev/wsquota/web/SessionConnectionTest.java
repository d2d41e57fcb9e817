package dev.wsquota.web;

import dev.wsquota.quota.ConnectionClosingException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionConnectionTest {

    private final Map<String, Object> properties = new HashMap<>();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicInteger closes = new AtomicInteger();

    /** A session whose every write fails the way Liberty's does once a close has started. */
    private Session session() {
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("write not allowed");
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBasicRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.get();
                    case "getId" -> "s1";
                    case "close" -> {
                        closes.incrementAndGet();
                        open.set(false);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aWriteRacingTheCloseIsAClosingNotAFailure() {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run);
        connection.close(1001, "server shutting down");
        assertThrows(ConnectionClosingException.class, () -> connection.send("echo"));
    }

    @Test
    void aFailedWriteOnAnOpenSessionIsStillAFailure() {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run);
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> connection.send("echo"));
        assertEquals("write not allowed", failure.getMessage());
    }

    @Test
    void aCloseTheExecutorRefusesIsSentOnTheCallingThread() throws IOException {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", task -> {
            throw new RejectedExecutionException("CWWKE1202E: the executor is shut down");
        });
        connection.close(1001, "server shutting down");
        assertEquals(1, closes.get(), "closed here, not dropped");
        assertTrue(connection.closing());
    }

    @Test
    void aCloseOnAThreadTheContainerInterruptsIsStillSent() {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run);
        Thread.currentThread().interrupt();
        try {
            connection.close(1001, "server shutting down");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the container");
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, closes.get(), "the peer still gets its close frame");
    }

    /** A session that counts pings and whose text writes wait for {@code writesMayEnd}: a peer that does not read. */
    private Session slowPeer(AtomicInteger pings, CountDownLatch writesMayEnd) {
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "sendPing" -> pings.incrementAndGet();
                    case "sendText" -> {
                        writesMayEnd.await();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBasicRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.get();
                    case "getId" -> "s2";
                    case "close" -> closes.incrementAndGet();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A session whose asynchronous writes complete only when the test runs their handler. */
    private Session asyncPeer(List<jakarta.websocket.SendHandler> handlers, List<Long> timeouts, List<String> basic) {
        long[] timeout = {0};
        RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getSendTimeout" -> timeout[0];
                    case "setSendTimeout" -> {
                        timeout[0] = (Long) args[0];
                        timeouts.add(timeout[0]);
                        yield null;
                    }
                    case "sendText" -> {
                        handlers.add((jakarta.websocket.SendHandler) args[1]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    basic.add((String) args[0]);
                    return null;
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> async;
                    case "getBasicRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.get();
                    case "getId" -> "s3";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void anAsyncSendHoldsTheWriteLockUntilTheContainerCallsBackAndCarriesTheTimeout() throws Exception {
        List<jakarta.websocket.SendHandler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> timeouts = new ArrayList<>();
        List<String> basic = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Runnable> queued = new ArrayList<>();
        SessionConnection connection = new SessionConnection(asyncPeer(handlers, timeouts, basic), "127.0.0.1",
                queued::add);
        List<Throwable> results = new ArrayList<>();

        connection.sendAsync("one", 10_000, results::add);
        assertEquals(1, handlers.size());
        assertEquals(List.of(10_000L), timeouts);
        connection.sendAsync("two", 10_000, results::add);
        assertEquals(1, handlers.size(), "the second waits for the first");
        assertEquals(1, queued.size(), "on the executor, not on the sender's thread");

        Thread echo = new Thread(() -> {
            try {
                connection.send("echo");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        echo.start();
        echo.join(300);
        assertEquals(List.of(), basic, "a basic write waits for the async one in flight");

        handlers.get(0).onResult(new jakarta.websocket.SendResult());
        echo.join(5_000);
        assertEquals(List.of("echo"), basic);
        assertEquals(1, results.size());
        assertEquals(null, results.get(0));

        queued.get(0).run();
        assertEquals(2, handlers.size(), "the queued one went once the lock was free");
        handlers.get(1).onResult(new jakarta.websocket.SendResult(new IOException("broken pipe")));
        assertEquals("broken pipe", results.get(1).getMessage());
    }

    @Test
    void aPingWhileOneIsQueuedIsNotQueuedAgain() {
        AtomicInteger pings = new AtomicInteger();
        List<Runnable> queued = new ArrayList<>();
        SessionConnection connection = new SessionConnection(slowPeer(pings, new CountDownLatch(0)), "127.0.0.1",
                queued::add);

        assertTrue(connection.ping(() -> { }));
        assertFalse(connection.ping(() -> { }),
                "one is on its way already: this caller must not wait for a pong of its own");
        assertEquals(1, queued.size(), "one executor task per connection, however many callers ping");
        queued.get(0).run();
        assertEquals(1, pings.get());

        assertTrue(connection.ping(() -> { }));
        assertEquals(2, queued.size(), "once written, the next ping is queued again");
    }

    @Test
    void aPingGivesUpOnAWriteThatDoesNotEnd() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        CountDownLatch writesMayEnd = new CountDownLatch(1);
        SessionConnection connection = new SessionConnection(slowPeer(pings, writesMayEnd), "127.0.0.1", Runnable::run);
        Thread writer = new Thread(() -> {
            try {
                connection.send("to a peer that does not read");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        while (!connection.hasQueuedThreads() && writer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        AtomicBoolean written = new AtomicBoolean();
        try {
            // The bound only keeps a broken build from hanging; the ping waits PING_WAIT_MILLIS, then returns.
            assertTimeoutPreemptively(Duration.ofMillis(SessionConnection.PING_WAIT_MILLIS * 10),
                    () -> assertTrue(connection.ping(() -> written.set(true))));
            assertEquals(0, pings.get(), "no ping behind a stuck write");
            assertFalse(written.get(), "not written, so the pong deadline counts from the queueing");
        } finally {
            writesMayEnd.countDown();
            writer.join();
        }
        assertTrue(connection.ping(() -> written.set(true)), "the skipped ping left nothing queued behind");
        assertEquals(1, pings.get());
        assertTrue(written.get());
    }

    @Test
    void aCloseWhileOneIsQueuedDoesNothing() {
        List<Runnable> queued = new ArrayList<>();
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", queued::add);
        connection.close(4002, "no pong");
        connection.close(1008, "disconnected by the operator");
        assertEquals(1, queued.size(), "one close per connection; the first code is what the peer gets");
        queued.get(0).run();
        assertEquals(1, closes.get());
    }
}
