package dev.wsquota.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real WebSocket client (the JDK's) for the tests. The HTTP 101 comes before the server's
 * {@code @OnOpen}, so "connected" means nothing: the welcome message or a close is the answer.
 */
public final class WsClient implements AutoCloseable {

    public static final String PASSWORD = "wsquota";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"]*)\"|(-?\\d+))");

    private final CompletableFuture<String> welcome = new CompletableFuture<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final TextMessages texts = new TextMessages();
    private volatile WebSocket socket;
    /** When the close (or the error) arrived, in epoch milliseconds; 0 until then. */
    private volatile long closedAtMillis;

    /** How the server ended the connection. */
    public record Close(int code, String reason) {
    }

    /** What the server answered: a welcome, or a close before any welcome. */
    public record Answer(String welcome, Close close) {
        public boolean admitted() {
            return welcome != null;
        }
    }

    private WsClient() {
    }

    public static URI endpoint() {
        return URI.create("ws://127.0.0.1:" + System.getProperty("httpPort", "19080") + "/ws");
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Opens a connection as the user (password wsquota) and returns once the handshake is done. */
    public static WsClient connect(String user) {
        return connect(user, PASSWORD);
    }

    public static WsClient connect(String user, String password) {
        return connect(endpoint(), user, password);
    }

    /** Opens a connection to another server's endpoint (a second cluster node) and waits for the server's answer. */
    public static WsClient open(URI endpoint, String user) {
        WsClient client = connect(endpoint, user, PASSWORD);
        client.answer();
        return client;
    }

    private static WsClient connect(URI endpoint, String user, String password) {
        WsClient client = new WsClient();
        client.socket = HTTP.newWebSocketBuilder()
                .header("Authorization", basic(user, password))
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(endpoint, client.listener())
                .orTimeout(20, TimeUnit.SECONDS)
                .join();
        return client;
    }

    /** Attempts a handshake as the user that the server must refuse before the upgrade; returns its HTTP status. */
    public static int refusedStatus(String user) {
        try {
            WsClient client = connect(user);
            client.abort();
            throw new AssertionError("the handshake of " + user + " was upgraded: " + client.answer());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    /**
     * Opens a connection to this server's endpoint from a builder the caller set headers on; returns after the
     * handshake.
     */
    public static WsClient connect(WebSocket.Builder builder) {
        WsClient client = new WsClient();
        client.socket = builder.buildAsync(endpoint(), client.listener()).orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    /** Opens a connection and waits for the server's answer. */
    public static WsClient open(String user) {
        WsClient client = connect(user);
        client.answer();
        return client;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                String text = texts.add(data, last);
                if (text != null) {
                    if (!welcome.isDone()) {
                        welcome.complete(text);
                    } else {
                        messages.add(text);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closedAtMillis = System.currentTimeMillis();
                closed.complete(new Close(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closedAtMillis = System.currentTimeMillis();
                closed.complete(new Close(-1, String.valueOf(error)));
            }
        };
    }

    /** Waits up to 20 s for the welcome or a close, whichever comes first. */
    public Answer answer() {
        CompletableFuture.anyOf(welcome, closed).orTimeout(20, TimeUnit.SECONDS).join();
        if (welcome.isDone()) {
            return new Answer(welcome.join(), null);
        }
        return new Answer(null, closed.join());
    }

    public boolean admitted() {
        return answer().admitted();
    }

    public String welcome() {
        Answer answer = answer();
        if (!answer.admitted()) {
            throw new AssertionError("expected a welcome, was closed with " + answer.close());
        }
        return answer.welcome();
    }

    /** A field of the welcome JSON, e.g. "managerId" or "active". */
    public String welcomeField(String name) {
        Matcher matcher = FIELD.matcher(welcome());
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
            }
        }
        throw new AssertionError("no field " + name + " in " + welcome());
    }

    public Close awaitClose() {
        return closed.orTimeout(20, TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** When the server's close (or an error) reached this client, in epoch milliseconds; 0 while it has not. */
    public long closedAtMillis() {
        return closedAtMillis;
    }

    /** The next message from the server after the welcome, or null if none comes within the wait. */
    public String nextMessage(long waitMillis) throws InterruptedException {
        return messages.poll(waitMillis, TimeUnit.MILLISECONDS);
    }

    /** Sends a text and waits up to 10 s for the next message from the server. */
    public String echo(String text) throws InterruptedException {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        String reply = messages.poll(10, TimeUnit.SECONDS);
        if (reply == null) {
            throw new AssertionError("no echo within 10 s");
        }
        return reply;
    }

    /**
     * Sends a text without waiting for its echo (the echo lands in the message queue); false if the
     * connection would not take it within a second (it is closing or closed).
     */
    public boolean trySend(String text) {
        if (closed.isDone() || socket.isOutputClosed()) {
            return false;
        }
        try {
            socket.sendText(text, true).orTimeout(1, TimeUnit.SECONDS).join();
            return true;
        } catch (RuntimeException e) { // closed meanwhile, or an earlier send still pending
            return false;
        }
    }

    /** Sends a text without waiting for any answer (it lands in {@link #next}). */
    public void send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** The next message from the server after the welcome, waiting up to {@code seconds}; null if none came. */
    public String next(int seconds) throws InterruptedException {
        return messages.poll(seconds, TimeUnit.SECONDS);
    }

    /** A normal close: sends a close frame (1000) and waits for the server's. */
    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        try {
            closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    /** Drops the TCP connection without a close frame, as a crashed client or a lost network does. */
    public void abort() {
        socket.abort();
        closed.complete(new Close(-1, "aborted by the client"));
    }

    /** Closes every client in the list, abruptly if a normal close does not finish. */
    public static void closeAll(List<WsClient> clients) {
        for (WsClient client : clients) {
            client.close();
        }
        clients.clear();
    }

    public static List<WsClient> newList() {
        return new CopyOnWriteArrayList<>();
    }

    /**
     * Joins the fragments of a text message as the JDK's {@code WebSocket.Listener} hands them over; one per
     * socket.
     */
    public static final class TextMessages {

        private final StringBuilder partial = new StringBuilder();

        /** The whole message once its last fragment has arrived, else null. */
        public String add(CharSequence fragment, boolean last) {
            partial.append(fragment);
            if (!last) {
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            return text;
        }
    }
}
