package dev.wsquota.inbound;

import dev.wsquota.quota.WeakLogger;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * POSTs each event to a backend with the JDK's asynchronous HTTP client: no thread waits for an answer, so one
 * user's hanging backend call holds only that user's lane. No retries. A 2xx body is the reply to the manager; a
 * timeout, a refused connection or another status is a {@link HandlerFailure} with a short reason (the backend's
 * body never reaches the client). The call itself is abandoned at twice the timeout; a 2xx between the two is
 * counted as late and dropped.
 */
public final class ForwardHandler implements InboundHandler {

    private static final Logger LOG = WeakLogger.of(ForwardHandler.class);

    /** Null once stopped: the client is dropped with its selector thread. */
    private volatile HttpClient client;
    private final URI url;
    private final long timeoutMillis;
    private final Optional<String> secret;
    private final boolean lifecycle;
    private final InboundStatistics statistics;
    /**
     * Ends each call's wait at the timeout. The application's own scheduler, not {@code CompletableFuture.orTimeout}:
     * the JDK's one delay thread behind that keeps the context class loader of the application that first used it,
     * so that version would stay loaded after its undeploy.
     */
    private final ScheduledExecutorService timeouts;

    public ForwardHandler(InboundSettings settings, Executor executor, ScheduledExecutorService timeouts,
                          InboundStatistics statistics) {
        this.url = settings.forwardUrl().orElseThrow(() -> new IllegalArgumentException(
                InboundSettings.FORWARD_URL + " is not set"));
        this.timeoutMillis = settings.forwardTimeoutMillis();
        this.secret = settings.forwardSecret();
        this.lifecycle = settings.forwardLifecycle();
        this.statistics = statistics;
        this.timeouts = timeouts;
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMillis))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public CompletionStage<?> message(ClientMessage message) {
        String body = "{\"event\":\"message\",\"user\":" + Json.string(message.user())
                + ",\"managerId\":" + Json.string(message.managerId())
                + ",\"data\":" + Json.string(message.text()) + "}";
        return post(body).thenAccept(answer -> {
            if (!answer.isEmpty()) {
                message.reply(answer);
            }
        });
    }

    /** Best effort: POSTed only with {@code wsquota.inbound.forward-lifecycle=true}; the answer's body is ignored. */
    @Override
    public CompletionStage<?> opened(ManagerOpened opened) {
        if (!lifecycle) {
            return CompletableFuture.completedFuture(null);
        }
        return post("{\"event\":\"opened\",\"user\":" + Json.string(opened.user())
                + ",\"managerId\":" + Json.string(opened.managerId()) + ",\"active\":" + opened.active() + "}");
    }

    /** Best effort, as {@link #opened}: a node that dies sends no closed at all. */
    @Override
    public CompletionStage<?> closed(ManagerClosed closed) {
        if (!lifecycle) {
            return CompletableFuture.completedFuture(null);
        }
        return post("{\"event\":\"closed\",\"user\":" + Json.string(closed.user())
                + ",\"managerId\":" + Json.string(closed.managerId())
                + ",\"cause\":" + Json.string(closed.cause().name()) + "}");
    }

    /**
     * Ends the HTTP client with the application: its selector thread would otherwise outlive the undeploy, holding
     * the executor and so the application's class loader, until a GC found the client unreferenced. A call still in
     * flight is abandoned; a call after this fails as "backend call failed".
     */
    @Override
    public void stop() {
        HttpClient stopping = client;
        client = null;
        if (stopping != null && !HttpClientShutdown.stop(stopping)) {
            LOG.warning(() -> "the forward's HTTP client thread did not end within " + HttpClientShutdown.JOIN_MILLIS
                    + " ms of the stop");
        }
    }

    /** The 2xx body, or a {@link HandlerFailure}. */
    private CompletableFuture<String> post(String json) {
        HttpClient current = client;
        if (current == null) {
            return CompletableFuture.failedFuture(new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE,
                    "backend call failed", new IllegalStateException("the application is stopping")));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(2 * timeoutMillis))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        secret.ifPresent(value -> request.header(InboundSettings.SECRET_HEADER, value));
        CompletableFuture<HttpResponse<String>> call;
        try {
            call = current.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE,
                    "backend call failed", e));
        }
        CompletableFuture<HttpResponse<String>> bounded = call.copy();
        try {
            ScheduledFuture<?> timer = timeouts.schedule(() -> bounded.completeExceptionally(new TimeoutException()),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            bounded.whenComplete((response, failure) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            call.cancel(true); // the application is stopping: the call is abandoned, as at its stop
            return CompletableFuture.failedFuture(new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE,
                    "backend call failed", e));
        }
        call.whenComplete((response, failure) -> {
            if (response != null && bounded.isCompletedExceptionally() && success(response.statusCode())) {
                statistics.countLate();
                LOG.fine(() -> "a 2xx from " + url + " came after the " + timeoutMillis + " ms timeout: dropped");
            }
        });
        return bounded.handle((response, failure) -> {
            if (failure != null) {
                throw failure(failure);
            }
            if (!success(response.statusCode())) {
                throw new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE,
                        "backend answered " + response.statusCode(), null);
            }
            return response.body() == null ? "" : response.body();
        });
    }

    private HandlerFailure failure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE, "backend unreachable", failure);
            }
            if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
                return new HandlerFailure(HandlerFailure.Kind.FORWARD_TIMEOUT,
                        "backend timed out after " + timeoutMillis + " ms", failure);
            }
        }
        LOG.log(Level.FINE, "forward to " + url + " failed", failure);
        return new HandlerFailure(HandlerFailure.Kind.FORWARD_FAILURE, "backend call failed", failure);
    }

    private static boolean success(int status) {
        return status >= 200 && status < 300;
    }
}
