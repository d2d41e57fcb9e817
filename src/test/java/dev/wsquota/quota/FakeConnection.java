package dev.wsquota.quota;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection without a network that tests open, close and break by hand; shared by the unit tests,
 * the in-container tests and the benchmarks (where it does no I/O, so the registry alone is measured).
 */
public final class FakeConnection implements Connection {

    public volatile boolean open = true;
    public volatile int closeCode;
    public volatile String closeReason;
    public volatile boolean failOnClose;
    /** Reading whether it is open throws: a session whose state cannot be read. */
    public volatile boolean failOnIsOpen;
    public volatile boolean failOnPing;
    /** The ping cannot be queued: pings are put off. */
    public volatile boolean busy;
    /** Runs on every ping: a live peer's pong, e.g. {@code () -> manager.touch(clock)}; null for none. */
    public volatile Runnable onPing;
    /** When set, a queued ping is not written until {@link #writeHeldPing()}: an executor that lags. */
    public volatile boolean holdPings;
    /** The container session id this connection claims, or null for one the container does not track. */
    public volatile String sessionId;
    public final AtomicInteger pings = new AtomicInteger();
    /** Texts sent to the peer; null until the first one, so an idle fake stays small in a footprint benchmark. */
    private volatile List<String> sent;
    private volatile Runnable heldPing;

    public FakeConnection() {
    }

    /** A connection that is already closed (or open), as cleanup will find it. */
    public FakeConnection(boolean open) {
        this.open = open;
    }

    @Override
    public boolean isOpen() {
        if (failOnIsOpen) {
            throw new IllegalStateException("injected failure: session state unreadable");
        }
        return open;
    }

    @Override
    public void close(int code, String reason) throws IOException {
        if (failOnClose) {
            throw new IOException("cannot send close frame");
        }
        open = false;
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public synchronized void send(String text) throws IOException {
        if (!open) {
            throw new IOException("closed");
        }
        if (sent == null) {
            sent = new CopyOnWriteArrayList<>();
        }
        sent.add(text);
    }

    /** Texts sent to the peer, oldest first. */
    public List<String> sent() {
        List<String> texts = sent;
        return texts == null ? List.of() : List.copyOf(texts);
    }

    @Override
    public boolean ping(Runnable written) throws IOException {
        if (failOnPing) {
            throw new IOException("broken pipe");
        }
        if (busy) {
            return false;
        }
        pings.incrementAndGet();
        if (holdPings) {
            heldPing = written;
        } else {
            written.run();
        }
        Runnable pong = onPing;
        if (pong != null) {
            pong.run();
        }
        return true;
    }

    public void writeHeldPing() {
        heldPing.run();
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:50000";
    }
}
