package dev.wsquota.bench;

import dev.wsquota.it.support.WsClient;
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

    /**
     * What the server answered. {@code code}: the close code for CLOSED, the HTTP status of a refused handshake
     * (e.g. 429) or -1 for FAILED, -3 for ABORTED.
     */
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
    private volatile Ended ended;
    private volatile long pings;
    private volatile long lastPingNanos;
    private volatile long lastPingLagNanos = -1;
    private volatile long echoSentNanos;
    private volatile long echoWrittenNanos;
    private volatile int echoesSent;

    private WsConn(String user) {
        this.user = user;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a connection; {@link #answer()} completes with the welcome, a close, or a failure. */
    static WsConn open(URI uri, String user, String password) {
        return open(HTTP, uri, user, password);
    }

    /**
     * A client of its own (its own selector thread and two callback threads), so one group of connections
     * is not queued behind another's in this JVM: what is measured is the server.
     */
    static HttpClient newClient(String name) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Starts a connection through {@code http}. */
    static WsConn open(HttpClient http, URI uri, String user, String password) {
        WsConn conn = new WsConn(user);
        http.newWebSocketBuilder()
                .header("Authorization", basic(user, password))
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, conn)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        conn.answer.complete(
                                new Answer(Answer.Kind.FAILED, null, httpStatus(error), String.valueOf(error),
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

    /**
     * Sends a text and completes with the next text from the server; completes exceptionally with
     * {@link Ended} when the connection ends first, and with a TimeoutException after 20 s.
     */
    CompletableFuture<String> echo(String text) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        echo = reply;
        Ended ended = ended();
        if (ended != null) { // ended before the echo could be sent
            reply.completeExceptionally(ended);
            return reply;
        }
        echoesSent++;
        echoSentNanos = System.nanoTime();
        echoWrittenNanos = 0;
        socket.sendText(text, true).whenComplete((ws, error) -> {
            echoWrittenNanos = System.nanoTime();
            if (error != null) {
                Ended now = ended();
                reply.completeExceptionally(now != null ? now : error);
            }
        });
        return reply.orTimeout(20, TimeUnit.SECONDS);
    }

    /** How a connection ended, as an echo pending at that moment sees it; null while it is open. */
    Ended ended() {
        return ended;
    }

    /**
     * What this connection's last echo was doing at {@code atNanos}: its number, since its send and since the send
     * completed.
     */
    String echoTiming(long atNanos) {
        long sent = echoSentNanos;
        long written = echoWrittenNanos;
        return "echo #" + echoesSent + (sent == 0 ? "" : " sent " + (atNanos - sent) / 1_000_000 + " ms before"
                + (written == 0 ? ", send not complete" : ", send complete " + (atNanos - written) / 1_000_000
                        + " ms before"));
    }

    /**
     * How long after its write the ping reached this client, if the server put its System.nanoTime() in the payload
     * ("wsquota <nanos>", a diagnostic server build; CLOCK_MONOTONIC is shared by the JVMs of one Linux machine); else
     * -1.
     */
    static long pingLagNanos(java.nio.ByteBuffer payload, long receivedNanos) {
        String text = StandardCharsets.US_ASCII.decode(payload.duplicate()).toString();
        int space = text.indexOf(' ');
        if (space < 0) {
            return -1;
        }
        try {
            return receivedNanos - Long.parseLong(text.substring(space + 1).trim());
        } catch (NumberFormatException e) {
            return -1; // not a diagnostic payload
        }
    }

    /** See {@link #pingLagNanos}: the last ping's delivery lag, or -1. */
    long lastPingLagNanos() {
        return lastPingLagNanos;
    }

    /** Pings received by this connection. */
    long pings() {
        return pings;
    }

    /** System.nanoTime() when the last ping arrived (the JDK client answers it with a pong at once); 0 if none did. */
    long lastPingNanos() {
        return lastPingNanos;
    }

    /** True if this client aborted the connection (dropped TCP without a close frame): it stopped answering pings. */
    boolean abortedByClient() {
        Ended e = ended;
        return e != null && e.by() == Ended.By.CLIENT_ABORT;
    }

    /**
     * Why a connection ended: the server's close frame (with its code), the client's own close or abort, or
     * the connection lost without a close frame.
     */
    static final class Ended extends Exception {
        enum By { SERVER_CLOSE, CLIENT_CLOSE, CLIENT_ABORT, LOST }

        private final By by;
        private final int code;
        private final long atNanos = System.nanoTime();

        Ended(By by, int code, String detail) {
            super(by + (code != 0 ? " " + code : "") + (detail == null || detail.isEmpty() ? "" : ": " + detail), null,
                    false, false);
            this.by = by;
            this.code = code;
        }

        By by() {
            return by;
        }

        /** The server's close code for SERVER_CLOSE, else 0. */
        int code() {
            return code;
        }

        long atNanos() {
            return atNanos;
        }
    }

    private void end(Ended how) {
        synchronized (this) {
            if (ended != null) {
                return; // the first end is how it ended
            }
            ended = how;
        }
        CompletableFuture<String> pending = echo;
        if (pending != null) {
            pending.completeExceptionally(how);
        }
    }

    private static int httpStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.http.WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
        }
        return -1;
    }

    /** A normal close: sends 1000 and completes when the server's close frame arrived (or 10 s passed). */
    CompletableFuture<Integer> close() {
        WebSocket ws = socket;
        if (ws != null && !closed.isDone()) {
            end(new Ended(Ended.By.CLIENT_CLOSE, 0, null));
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
        end(new Ended(Ended.By.CLIENT_ABORT, 0, null));
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        answer.complete(
                new Answer(Answer.Kind.ABORTED, null, -3, "aborted by the client", System.nanoTime() - startedNanos));
        closed.complete(-3);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        if (ended != null && ended.by() == Ended.By.CLIENT_ABORT) {
            webSocket.abort(); // given up on before its handshake finished: it must not hold a slot
            return;
        }
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
        lastPingNanos = System.nanoTime();
        lastPingLagNanos = pingLagNanos(message, lastPingNanos);
        pings++; // one reader per connection
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(new Ended(Ended.By.SERVER_CLOSE, statusCode, reason));
        answer.complete(new Answer(Answer.Kind.CLOSED, null, statusCode, reason, System.nanoTime() - startedNanos));
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(new Ended(Ended.By.LOST, 0, String.valueOf(error)));
        answer.complete(
                new Answer(Answer.Kind.FAILED, null, -1, String.valueOf(error), System.nanoTime() - startedNanos));
        closed.complete(-1);
    }
}
