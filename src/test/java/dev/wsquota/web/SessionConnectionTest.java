package dev.wsquota.web;

import dev.wsquota.quota.ConnectionClosingException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
}
