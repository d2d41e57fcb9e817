package dev.wsquota.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How every echo of the soak ended and which server closes killed a client that was alive, so a wrong
 * echo (a product bug) is never mixed up with a slow one (a busy machine), nor a dead peer's release with a
 * live client's.
 *
 * <p>An echo is exactly one of: answered with the same text; answered with other text (WRONG); no answer
 * within 20 s while the connection stayed open (TIMED_OUT); its connection ended first, by the server's
 * close frame (counted by close code), by the client's own close or abort, or without a close frame (LOST).
 *
 * <p>A false kill is a 4002 (pong timeout) close frame that reached a client which had not aborted its
 * connection. Such a client's reader was running (it read the close frame), and the JDK client answers
 * every ping with a pong as it reads it; only an aborted client stops answering. The server releases an
 * aborted client for PONG_TIMEOUT too, but that client never sees the 4002, so it is never counted here.
 */
final class SoakOutcomes {

    /** The close code the server sends when a ping went unanswered (CloseCodes.PONG_TIMEOUT). */
    static final int PONG_TIMEOUT = 4002;

    enum Echo { ANSWERED, WRONG, TIMED_OUT, SERVER_CLOSED, CLIENT_ENDED, LOST, SEND_FAILED }

    private final Map<Echo, LongAdder> echoes = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> echoServerCloses = new ConcurrentHashMap<>();
    private final LongAdder falseKills = new LongAdder();
    private final LongAdder falseKillsWithRecentPing = new LongAdder();
    /** False kills by the server's close reason (the probe at the quota and the ping sweep say different things). */
    private final Map<String, LongAdder> falseKillsByReason = new ConcurrentHashMap<>();
    private final AtomicLong longestSilenceBeforeFalseKillNanos = new AtomicLong();
    private final LongAdder pingsAnswered = new LongAdder();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exampleCount = new AtomicInteger();
    private final long pongTimeoutNanos;
    private final LongAdder falseKillsInClientStall = new LongAdder();
    private volatile ClientStalls clientStalls;

    SoakOutcomes(long pongTimeoutNanos) {
        this.pongTimeoutNanos = pongTimeoutNanos;
    }

    /** From now on, each false kill is checked against this client's own stalls. */
    void watch(ClientStalls stalls) {
        this.clientStalls = stalls;
    }

    /**
     * False kills with a stall of this client (at least {@link ClientStalls#STALL_MILLIS}) in the server's judged
     * window.
     */
    long falseKillsInClientStall() {
        return falseKillsInClientStall.sum();
    }

    /**
     * Classifies one echo from what came back ({@code reply}) or why nothing did ({@code error}); returns the class.
     */
    Echo echo(WsConn conn, String sent, String reply, Throwable error) {
        Echo kind;
        int code = 0;
        Throwable cause = unwrap(error);
        if (cause == null) {
            kind = sent.equals(reply) ? Echo.ANSWERED : Echo.WRONG;
        } else if (cause instanceof WsConn.Ended ended) {
            switch (ended.by()) {
                case SERVER_CLOSE -> {
                    kind = Echo.SERVER_CLOSED;
                    code = ended.code();
                }
                case CLIENT_CLOSE, CLIENT_ABORT -> kind = Echo.CLIENT_ENDED;
                default -> kind = Echo.LOST;
            }
        } else if (cause instanceof TimeoutException) {
            kind = Echo.TIMED_OUT; // the connection was still open: an end completes the echo at once
        } else {
            kind = Echo.SEND_FAILED;
        }
        echoes.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (kind == Echo.SERVER_CLOSED) {
            echoServerCloses.computeIfAbsent(code, k -> new LongAdder()).increment();
        }
        if (kind == Echo.WRONG) {
            example("wrong echo for " + conn.user + ": sent '" + sent + "', got '" + reply + "'");
        } else if (kind == Echo.SEND_FAILED || kind == Echo.TIMED_OUT) {
            example(kind + " echo for " + conn.user + ": " + cause);
        }
        return kind;
    }

    /** Called once per connection when it is over: {@code code} is what {@link WsConn#closed()} completed with. */
    void connectionOver(WsConn conn, Integer code) {
        pingsAnswered.add(conn.pings());
        if (code == null || code != PONG_TIMEOUT || conn.abortedByClient()) {
            return;
        }
        falseKills.increment();
        WsConn.Ended ended = conn.ended();
        long closeAt = ended != null ? ended.atNanos() : System.nanoTime();
        long sincePing = conn.lastPingNanos() == 0 ? -1 : closeAt - conn.lastPingNanos();
        if (sincePing >= 0 && sincePing <= pongTimeoutNanos) {
            falseKillsWithRecentPing.increment();
        }
        longestSilenceBeforeFalseKillNanos.accumulateAndGet(sincePing, Math::max);
        ClientStalls stalls = clientStalls;
        // The server judged the last max(pong timeout, 5 s probe timeout) before its close.
        long window = Math.max(pongTimeoutNanos, TimeUnit.SECONDS.toNanos(5));
        long stalledMillis = stalls == null ? 0 : stalls.longestBetween(closeAt - window, closeAt);
        if (stalledMillis > 0) {
            falseKillsInClientStall.increment();
        }
        String reason = ended == null ? "unknown" : ended.getMessage();
        falseKillsByReason.computeIfAbsent(reason, k -> new LongAdder()).increment();
        example("false kill (4002) at " + java.time.LocalTime.now() + " of " + conn.user + ": " + conn.pings()
                + " pings answered, the last "
                + (sincePing < 0 ? "never" : Results.fmt(sincePing / 1e6, 0) + " ms") + " before the close"
                        + (conn.lastPingLagNanos() < 0 ? "" : " (it arrived "
                + conn.lastPingLagNanos() / 1_000_000 + " ms after the server wrote it)") + ", "
                        + conn.echoTiming(closeAt) + " (" + reason + ")"
                + (stalledMillis > 0 ? "; this client itself stalled " + stalledMillis + " ms in the judged window"
                        : ""));
    }

    long count(Echo kind) {
        LongAdder n = echoes.get(kind);
        return n == null ? 0 : n.sum();
    }

    long echoes() {
        long sum = 0;
        for (Echo kind : Echo.values()) {
            sum += count(kind);
        }
        return sum;
    }

    /** "4002 12, 1001 3": echoes ended by the server's close frame, by close code. */
    String serverClosesByCode() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(echoServerCloses).forEach((code, n) -> s.append(s.length() == 0 ? "" : ", ").append(code)
                .append(' ').append(n.sum()));
        return s.length() == 0 ? "none" : s.toString();
    }

    long falseKills() {
        return falseKills.sum();
    }

    /** False kills by the server's close reason, e.g. {"SERVER_CLOSE 4002: no pong within 10000 ms"=3}. */
    Map<String, Long> falseKillsByReason() {
        Map<String, Long> out = new TreeMap<>();
        falseKillsByReason.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }

    long falseKillsWithRecentPing() {
        return falseKillsWithRecentPing.sum();
    }

    /** The longest time between a falsely killed client's last ping and its 4002, in ms (-1: one never had a ping). */
    double longestSilenceBeforeFalseKillMillis() {
        return longestSilenceBeforeFalseKillNanos.get() / 1e6;
    }

    long pingsAnswered() {
        return pingsAnswered.sum();
    }

    Iterable<String> examples() {
        return examples;
    }

    private void example(String text) {
        if (exampleCount.incrementAndGet() <= 10) {
            examples.add(text);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) {
            if (t.getCause() == null) {
                break;
            }
            t = t.getCause();
        }
        return t;
    }
}
