package dev.wsquota.bench;

import dev.wsquota.it.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client WebSocket of the capacity and soak steps (the JDK's client). HTTP 101 comes before the
 * server's @OnOpen, so the answer is the welcome or a close, never "connected".
 */
final class WsConn implements WebSocket.Listener {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "ws-client-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .executor(EXECUTOR)
            .connectTimeout(Duration.ofSeconds(20))
            .build();
    private static final Pattern ACTIVE = Pattern.compile("\"active\":(\\d+)");

    /** What the server answered. */
    record Answer(Kind kind, String welcome, int code, String reason, long nanos) {
        enum Kind { WELCOME, CLOSED, FAILED, ABORTED }

        boolean admitted() {
            return kind == Kind.WELCOME;
        }

        /** The server's count of this user's managers right after this admission (welcome "active"). */
        int active() {
            Matcher m = ACTIVE.matcher(welcome);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }
    }

    final String user;
    private final long startedNanos = System.nanoTime();
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<Boolean> opened = new CompletableFuture<>();
    private volatile CompletableFuture<String> echo;
    private final WsClient.TextMessages texts = new WsClient.TextMessages();
    private volatile WebSocket socket;

    private WsConn(String user) {
        this.user = user;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a connection; {@link #answer()} completes with the welcome, a close, or a failure. */
    static WsConn open(URI uri, String user, String password) {
        WsConn conn = new WsConn(user);
        HTTP.newWebSocketBuilder()
                .header("Authorization", basic(user, password))
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, conn)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        conn.answer.complete(new Answer(Answer.Kind.FAILED, null, -1, String.valueOf(error),
                                System.nanoTime() - conn.startedNanos));
                        conn.closed.complete(-1);
                        conn.opened.complete(false);
                    } else {
                        conn.socket = ws;
                        conn.opened.complete(true);
                    }
                });
        return conn;
    }

    CompletableFuture<Answer> answer() {
        return answer;
    }

    /** Completes with true once the handshake is done (HTTP 101: NOT the admission), false if it failed. */
    CompletableFuture<Boolean> opened() {
        return opened;
    }

    /** Completes with the close code once the connection is over (server close frame, error or abort). */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    boolean hasSocket() {
        return socket != null;
    }

    /** Sends a text and completes with the next text from the server. */
    CompletableFuture<String> echo(String text) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        echo = reply;
        socket.sendText(text, true).whenComplete((ws, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
            }
        });
        return reply.orTimeout(20, TimeUnit.SECONDS);
    }

    /** A normal close: sends 1000 and completes when the server's close frame arrived (or 10 s passed). */
    CompletableFuture<Integer> close() {
        WebSocket ws = socket;
        if (ws != null && !closed.isDone()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((w, e) -> {
                if (e != null) {
                    closed.complete(-1);
                }
            });
        }
        return closed.completeOnTimeout(-2, 10, TimeUnit.SECONDS);
    }

    /** Drops the TCP connection without a close frame. */
    void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        answer.complete(new Answer(Answer.Kind.ABORTED, null, -3, "aborted by the client", System.nanoTime() - startedNanos));
        closed.complete(-3);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text = texts.add(data, last);
        if (text != null) {
            if (!answer.isDone()) {
                answer.complete(new Answer(Answer.Kind.WELCOME, text, 0, null, System.nanoTime() - startedNanos));
            } else {
                CompletableFuture<String> pending = echo;
                if (pending != null) {
                    pending.complete(text);
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    /** Pings received by every connection of this JVM (the JDK client answers each with a pong by itself). */
    static final java.util.concurrent.atomic.AtomicLong PINGS = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
        PINGS.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        answer.complete(new Answer(Answer.Kind.CLOSED, null, statusCode, reason, System.nanoTime() - startedNanos));
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        answer.complete(new Answer(Answer.Kind.FAILED, null, -1, String.valueOf(error), System.nanoTime() - startedNanos));
        closed.complete(-1);
        CompletableFuture<String> pending = echo;
        if (pending != null) {
            pending.completeExceptionally(error);
        }
    }
}
