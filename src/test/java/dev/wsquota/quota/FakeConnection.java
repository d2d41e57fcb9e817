package dev.wsquota.quota;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A connection the tests open, close and break by hand. */
final class FakeConnection implements Connection {

    volatile boolean open = true;
    volatile int closeCode;
    volatile String closeReason;
    volatile boolean failOnClose;
    volatile boolean failOnIsOpen;
    volatile boolean failOnPing;
    /** The ping cannot be queued: pings are put off. */
    volatile boolean busy;
    /** Runs on every ping: a live peer's pong, e.g. {@code () -> manager.touch(clock)}. */
    volatile Runnable onPing = () -> { };
    final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> sent = new CopyOnWriteArrayList<>();

    @Override
    public boolean isOpen() {
        if (failOnIsOpen) {
            throw new IllegalStateException("broken session");
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
    public void send(String text) throws IOException {
        if (!open) {
            throw new IOException("closed");
        }
        sent.add(text);
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
        if (!holdPings) {
            written.run();
        } else {
            heldPing = written;
        }
        onPing.run();
        return true;
    }

    /** When set, a queued ping is not written until {@link #writeHeldPing()}: an executor that lags. */
    volatile boolean holdPings;
    volatile Runnable heldPing;

    void writeHeldPing() {
        heldPing.run();
    }

    /** The container session id this connection claims, or null for one the container does not track. */
    volatile String sessionId;

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:50000";
    }
}
