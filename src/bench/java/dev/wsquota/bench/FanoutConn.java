package dev.wsquota.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One reading client of the fan-out step (the JDK's client): waits for its welcome, then hands every pushed message
 * to the window being measured ({@link #window}); anything else it receives is counted as unexpected.
 */
final class FanoutConn implements WebSocket.Listener {

    private static final String DATA = "\"data\":\"";

    /** The window the step is measuring now; messages arriving between windows are counted only in {@link #STRAY}. */
    static volatile FanoutLatencies window;
    static final java.util.concurrent.atomic.AtomicLong STRAY = new java.util.concurrent.atomic.AtomicLong();
    /** Texts after the welcome that were not a pushed message frame (must stay 0). */
    static final java.util.concurrent.atomic.AtomicLong UNEXPECTED = new java.util.concurrent.atomic.AtomicLong();

    final String user;
    private final CompletableFuture<Boolean> welcomed = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    private FanoutConn(String user) {
        this.user = user;
    }

    static FanoutConn open(HttpClient http, URI uri, String user) {
        FanoutConn conn = new FanoutConn(user);
        http.newWebSocketBuilder()
                .header("Authorization", WsConn.basic(user, BenchServer.PASSWORD))
                .connectTimeout(Duration.ofSeconds(30))
                .buildAsync(uri, conn)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        conn.welcomed.complete(false);
                        conn.closed.complete(-1);
                    }
                });
        return conn;
    }

    /** True once the welcome arrived, false if the connection failed or closed first. */
    CompletableFuture<Boolean> welcomed() {
        return welcomed;
    }

    /** The close code once the connection is over (-1 without a close frame). */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null && !closed.isDone()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            if (!welcomed.isDone()) {
                welcomed.complete(text.contains("\"welcome\""));
            } else {
                int at = text.indexOf(DATA);
                int end = at < 0 ? -1 : text.indexOf('"', at + DATA.length()); // the sender's data has no quotes
                FanoutLatencies current = window;
                if (end < 0) {
                    UNEXPECTED.incrementAndGet();
                } else if (current == null) {
                    STRAY.incrementAndGet();
                } else {
                    current.record(text.substring(at + DATA.length(), end), user, now);
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        welcomed.complete(false);
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        welcomed.complete(false);
        closed.complete(-1);
    }
}
