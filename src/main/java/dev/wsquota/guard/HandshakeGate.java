package dev.wsquota.guard;

import dev.wsquota.quota.LimitHitReporter;
import dev.wsquota.util.LogSafe;
import dev.wsquota.util.PerKeyWindow;
import dev.wsquota.util.WeakLogger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Every check a WebSocket handshake passes before the upgrade, in one visible order: whose budget a refused
 * attempt may spend depends on that order, so it lives here and a test fixes it. Cheap checks that need no user
 * come first; the user's handshake rate comes only after the request has proved it is the user's own (one
 * credential, an allowed origin), so a foreign page or an anonymous storm cannot spend a victim's budget. The
 * quota admission follows in the endpoint, after the upgrade.
 */
public final class HandshakeGate {

    /** The steps, in the order they run. */
    public enum Step {
        /** The node is draining or stopping: 503, so a load balancer and the client try another node. */
        STOPPING,
        /** Not a GET, or a malformed upgrade: 404 / 400 (see {@link UpgradeRequest}). */
        UPGRADE,
        /** A Bearer token and the JWT cookie at once: 401 (see {@link CredentialCount}). */
        CREDENTIAL,
        /** A browser origin the allow-list refuses: 403 (see {@link OriginPolicy}). */
        ORIGIN,
        /** The user's recent attempts were refused too often: 429 with Retry-After (see {@link HandshakeLimiter}). */
        USER_RATE
    }

    /**
     * What the gate needs of the HTTP request; the container has authenticated it already.
     *
     * @param authorization every Authorization header
     * @param cookieNames   the names of every cookie
     * @param origins       every Origin header (a browser sends exactly one)
     * @param user          the authenticated principal's name, or null
     */
    public record Request(String method, String protocol, String upgrade, String version, String key,
                          List<String> authorization, List<String> cookieNames, List<String> origins, String host,
                          String user) {
    }

    /** Why a handshake is refused: the step, the HTTP status and reason, and headers to set on the answer. */
    public record Refusal(Step step, int status, String reason, Map<String, String> headers) {
    }

    private static final Logger LOG = WeakLogger.of(HandshakeGate.class);

    private final GuardSettings settings;
    private final GuardStatistics statistics;
    private final Optional<HandshakeLimiter> rate;
    private final String rateDescription;
    private final String jwtCookie;
    private final BooleanSupplier stopping;
    /** One 429 log line per user per second at most, with the count of the refusals it stands for. */
    private final PerKeyWindow<Void> rateRefusals = new PerKeyWindow<>(1_000, System::currentTimeMillis,
            LimitHitReporter.MAX_TRACKED_USERS);

    /**
     * @param jwtCookie the cookie that carries the JWT ({@code mp.jwt.token.cookie})
     * @param stopping  true while the node drains or stops
     */
    public HandshakeGate(GuardSettings settings, GuardStatistics statistics, HandshakeSettings handshakes,
                         Optional<HandshakeLimiter> rate, String jwtCookie, BooleanSupplier stopping) {
        this.settings = settings;
        this.statistics = statistics;
        this.rate = rate;
        this.rateDescription = handshakes.toString();
        this.jwtCookie = jwtCookie;
        this.stopping = stopping;
    }

    /** The cookie that carries the JWT ({@code mp.jwt.token.cookie}). */
    public String jwtCookie() {
        return jwtCookie;
    }

    /** Runs the steps in order; the first refusal wins and the later steps do not run. */
    public Optional<Refusal> check(Request request) {
        for (Step step : Step.values()) {
            Optional<Refusal> refusal = run(step, request);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    private Optional<Refusal> run(Step step, Request request) {
        return switch (step) {
            case STOPPING -> stopping(request);
            case UPGRADE -> upgrade(request);
            case CREDENTIAL -> credential(request);
            case ORIGIN -> origin(request);
            case USER_RATE -> userRate(request);
        };
    }

    private Optional<Refusal> stopping(Request request) {
        if (!stopping.getAsBoolean()) {
            return Optional.empty();
        }
        statistics.count(GuardStatistics.Refused.STOPPING);
        LOG.fine(() -> "refused a handshake of " + LogSafe.user(request.user()) + " with 503: the node is draining");
        return Optional.of(new Refusal(Step.STOPPING, 503, "server draining: connect to another node",
                Map.of("Retry-After", "1")));
    }

    private Optional<Refusal> upgrade(Request request) {
        return UpgradeRequest.check(request.method(), request.protocol(), request.upgrade(), request.version(),
                request.key()).map(refusal -> {
                    // FINE, not INFO: the client gets the reason; a scanner must not be able to flood the log.
                    LOG.fine(() -> "refused a request to /ws with " + refusal.status() + ": " + refusal.reason());
                    Map<String, String> headers = refusal.status() == 400
                            ? Map.of("Sec-WebSocket-Version", UpgradeRequest.VERSION) : Map.of();
                    return new Refusal(Step.UPGRADE, refusal.status(), refusal.reason(), headers);
                });
    }

    private Optional<Refusal> credential(Request request) {
        if (!CredentialCount.bearerAndCookie(request.authorization(), request.cookieNames(), jwtCookie)) {
            return Optional.empty();
        }
        LOG.info(() -> "refused a WebSocket handshake with 401: a Bearer token in the Authorization header and the "
                + jwtCookie + " cookie at once (the container had chosen user " + LogSafe.user(request.user()) + ")");
        return Optional.of(new Refusal(Step.CREDENTIAL, 401, "two credentials: header and cookie",
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_request\", "
                        + "error_description=\"send the token in the header or the cookie, not both\"")));
    }

    private Optional<Refusal> origin(Request request) {
        List<String> origins = request.origins();
        OriginPolicy.Decision decision = origins.size() > 1
                ? new OriginPolicy.Decision(false, "more than one Origin header")
                : settings.allowedOrigins().check(origins.isEmpty() ? null : origins.get(0), request.host());
        if (decision.allowed()) {
            return Optional.empty();
        }
        statistics.count(GuardStatistics.Refused.ORIGIN);
        LOG.info(() -> "refused a WebSocket handshake with 403: " + decision.reason() + "; Origin "
                + LogSafe.user(String.valueOf(origins)) + ", user " + LogSafe.user(request.user()));
        return Optional.of(new Refusal(Step.ORIGIN, 403, "origin not allowed", Map.of()));
    }

    private Optional<Refusal> userRate(Request request) {
        String user = request.user();
        if (rate.isEmpty() || user == null) {
            return Optional.empty(); // no limit, or no user: the container's security constraint answers 401
        }
        long retryAfterMillis = rate.get().retryAfterMillis(user);
        if (retryAfterMillis == 0) {
            return Optional.empty();
        }
        statistics.count(GuardStatistics.Refused.HANDSHAKE_RATE);
        long retryAfterSeconds = Math.max(1, (retryAfterMillis + 999) / 1000);
        rateRefusals.offer(user, null).ifPresent(suppressed -> LOG.info(() -> "refused a WebSocket handshake of "
                + LogSafe.user(user) + " with 429: its attempts were refused more often than " + rateDescription + " ("
                + suppressed.count() + " more since the last line)"));
        return Optional.of(new Refusal(Step.USER_RATE, 429,
                "too many refused connection attempts: retry after " + retryAfterSeconds + " s, with jitter",
                Map.of("Retry-After", Long.toString(retryAfterSeconds))));
    }

    /**
     * Spends one token of the user's handshake budget for an attempt refused after the upgrade (quota, cluster
     * unavailable, an unusable user id); see {@link HandshakeLimiter#charge}.
     */
    public void refusedAfterUpgrade(String user) {
        rate.ifPresent(limiter -> limiter.charge(user));
    }
}
