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
import java.util.concurrent.Executor;
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
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run, Runnable::run);
        connection.close(1001, "server shutting down");
        assertThrows(ConnectionClosingException.class, () -> connection.send("echo"));
    }

    @Test
    void aFailedWriteOnAnOpenSessionIsStillAFailure() {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run, Runnable::run);
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> connection.send("echo"));
        assertEquals("write not allowed", failure.getMessage());
    }

    @Test
    void aCloseTheExecutorRefusesIsSentOnTheCallingThread() throws IOException {
        Executor shutDown = task -> {
            throw new RejectedExecutionException("CWWKE1202E: the executor is shut down");
        };
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", shutDown, shutDown);
        connection.close(1001, "server shutting down");
        assertEquals(1, closes.get(), "closed here, not dropped");
        assertTrue(connection.closing());
    }

    @Test
    void aCloseOnAThreadTheContainerInterruptsIsStillSent() {
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", Runnable::run, Runnable::run);
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
    private Session asyncPeer(List<jakarta.websocket.SendHandler> handlers, List<Long> timeouts, List<String> basic,
            AtomicInteger pings) {
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
                    if (method.getName().equals("sendPing")) {
                        pings.incrementAndGet();
                    } else {
                        basic.add((String) args[0]);
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> async;
                    case "getBasicRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.get();
                    case "getId" -> "s3";
                    case "close" -> closes.incrementAndGet();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void anAsyncSendHoldsTheLaneUntilTheContainerCallsBackAndCarriesTheTimeout() throws Exception {
        List<jakarta.websocket.SendHandler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> timeouts = new ArrayList<>();
        List<String> basic = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Runnable> queued = new ArrayList<>();
        SessionConnection connection = new SessionConnection(asyncPeer(handlers, timeouts, basic, new AtomicInteger()),
                "127.0.0.1", queued::add, queued::add);
        List<Throwable> results = new java.util.concurrent.CopyOnWriteArrayList<>();

        connection.sendAsync("one", 10_000, results::add);
        assertEquals(1, handlers.size());
        assertEquals(List.of(10_000L), timeouts);
        connection.sendAsync("two", 10_000, results::add);
        assertEquals(1, handlers.size(), "the second waits for the first");
        assertEquals(List.of(), queued, "in the lane: no executor thread waits for the first to end");

        Thread echo = new Thread(() -> {
            try {
                connection.send("echo");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        echo.start();
        while (LaneState.waiting(connection.lane) < 2) {
            Thread.onSpinWait();
        }
        assertEquals(List.of(), basic, "a basic write waits for the async one in flight");

        handlers.get(0).onResult(new jakarta.websocket.SendResult());
        echo.join(60_000);
        assertEquals(List.of("echo"), basic, "the echo went before the queued message");
        assertEquals(1, results.size());
        assertEquals(null, results.get(0));
        assertEquals(2, handlers.size(), "the queued message started when the echo ended");

        handlers.get(1).onResult(new jakarta.websocket.SendResult(new IOException("broken pipe")));
        assertEquals("broken pipe", results.get(1).getMessage());
        assertFalse(LaneState.busy(connection.lane));
    }

    /** Liberty's getAsyncRemote locks the session and makes a new wrapper each time: one fetch per connection. */
    @Test
    void theAsyncRemoteIsFetchedOnceAndTheTimeoutSetOnlyWhenItChanges() {
        List<jakarta.websocket.SendHandler> handlers = new ArrayList<>();
        List<Long> timeouts = new ArrayList<>();
        AtomicInteger fetches = new AtomicInteger();
        Session peer = asyncPeer(handlers, timeouts, new ArrayList<>(), new AtomicInteger());
        Session counting = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getAsyncRemote")) {
                        fetches.incrementAndGet();
                    }
                    return method.invoke(peer, args);
                });
        SessionConnection connection = new SessionConnection(counting, "127.0.0.1", Runnable::run, Runnable::run);
        List<Throwable> results = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            connection.sendAsync("m" + i, 10_000, results::add);
            handlers.get(i).onResult(new jakarta.websocket.SendResult());
        }
        connection.sendAsync("m3", 2_000, results::add);
        handlers.get(3).onResult(new jakarta.websocket.SendResult());

        assertEquals(1, fetches.get());
        assertEquals(List.of(10_000L, 2_000L), timeouts);
        assertEquals(4, results.size());
        assertTrue(results.stream().allMatch(java.util.Objects::isNull));
        assertFalse(LaneState.busy(connection.lane));
    }

    /**
     * The container runs write completions on the same pool as the pings. A ping behind a write in flight must not
     * take a pool thread to wait for that write: the write's completion may be queued behind it.
     */
    @Test
    void aPingBehindAnAsyncWriteTakesNoThreadUntilTheWriteEnds() {
        List<jakarta.websocket.SendHandler> handlers = new ArrayList<>();
        AtomicInteger pings = new AtomicInteger();
        List<Runnable> pool = new ArrayList<>();
        SessionConnection connection = new SessionConnection(asyncPeer(handlers, new ArrayList<>(), new ArrayList<>(),
                pings), "127.0.0.1", pool::add, pool::add);
        List<Throwable> results = new ArrayList<>();
        AtomicBoolean written = new AtomicBoolean();

        connection.sendAsync("one", 10_000, results::add);
        assertTrue(connection.ping(() -> written.set(true)));
        assertEquals(List.of(), pool, "nothing on the pool until the write ends");
        assertFalse(connection.ping(() -> { }), "one ping queued per connection");

        pool.add(() -> handlers.get(0).onResult(new jakarta.websocket.SendResult())); // the container's completion
        for (int i = 0; i < pool.size(); i++) {
            pool.get(i).run(); // one pool thread, in order: each task returns without waiting
        }
        assertEquals(2, pool.size(), "the completion, then the ping it started");
        assertEquals(1, pings.get());
        assertTrue(written.get());
        assertEquals(1, results.size());
        assertFalse(LaneState.busy(connection.lane));

        connection.sendAsync("two", 10_000, results::add);
        assertEquals(2, handlers.size(), "the lane is free again");
    }

    @Test
    void aPingBehindABasicWriteThatDoesNotEndIsNotWrittenAndNotRetried() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        CountDownLatch writesMayEnd = new CountDownLatch(1);
        SessionConnection connection = new SessionConnection(slowPeer(pings, writesMayEnd), "127.0.0.1", Runnable::run,
                Runnable::run);
        Thread writer = new Thread(() -> {
            try {
                connection.send("to a peer that does not read");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        while (!LaneState.busy(connection.lane)) {
            Thread.onSpinWait();
        }
        AtomicBoolean written = new AtomicBoolean();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertTrue(connection.ping(() -> written.set(true))), "the caller (the sweep) does not wait");
            assertEquals(0, pings.get(), "no ping behind a stuck write");
            assertFalse(written.get(), "not written, so the pong deadline counts from the queueing");
            assertFalse(connection.ping(() -> { }), "still queued: not queued twice");
        } finally {
            writesMayEnd.countDown();
            writer.join();
        }
        assertEquals(1, pings.get(), "written once the write before it ended");
        assertTrue(written.get());
        assertTrue(connection.ping(() -> { }), "nothing left queued behind");
        assertEquals(2, pings.get());
    }

    @Test
    void aBasicWriteBehindAWriteThatDoesNotEndFailsAfterItsBound() throws Exception {
        List<jakarta.websocket.SendHandler> handlers = new ArrayList<>();
        List<String> basic = new java.util.concurrent.CopyOnWriteArrayList<>();
        SessionConnection connection = new SessionConnection(asyncPeer(handlers, new ArrayList<>(), basic,
                new AtomicInteger()), "127.0.0.1", Runnable::run, Runnable::run, 50);
        connection.sendAsync("never called back", 10_000, failure -> { });
        IOException failure = assertThrows(IOException.class, () -> connection.send("echo"));
        assertTrue(failure.getMessage().contains("in progress"), failure.getMessage());
        assertEquals(List.of(), basic);
        handlers.get(0).onResult(new jakarta.websocket.SendResult());
        connection.send("echo");
        assertEquals(List.of("echo"), basic, "the bound left no turn behind");
    }

    @Test
    void aCloseDoesNotWaitForAWriteThatDoesNotEnd() {
        List<jakarta.websocket.SendHandler> handlers = new ArrayList<>();
        Session peer = asyncPeer(handlers, new ArrayList<>(), new ArrayList<>(), new AtomicInteger());
        SessionConnection connection = new SessionConnection(peer, "127.0.0.1", Runnable::run, Runnable::run);
        connection.sendAsync("never called back", 10_000, failure -> { });
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> connection.close(4003, "too slow"));
        assertEquals(1, closes.get(), "closed although the write never ended");
    }

    @Test
    void aCloseWhileOneIsQueuedDoesNothing() {
        List<Runnable> queued = new ArrayList<>();
        SessionConnection connection = new SessionConnection(session(), "127.0.0.1", queued::add, queued::add);
        connection.close(4002, "no pong");
        connection.close(1008, "disconnected by the operator");
        assertEquals(1, queued.size(), "one close per connection; the first code is what the peer gets");
        queued.get(0).run();
        assertEquals(1, closes.get());
    }
}
