package dev.wsquota.quota;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/** A connection whose asynchronous sends complete only when the test says the peer read them. */
final class SlowPeer implements Connection {

    final List<String> written = new ArrayList<>();
    final Queue<Pending> inFlight = new ArrayDeque<>();
    volatile boolean open = true;
    volatile int closeCode;
    volatile String closeReason;
    volatile boolean aborted;
    volatile boolean welcomesFirst;

    record Pending(String text, Consumer<Throwable> done) {
    }

    @Override
    public synchronized void sendAsync(String text, long timeoutMillis, Consumer<Throwable> done) {
        inFlight.add(new Pending(text, done));
    }

    /** The peer reads the message in flight; returns its text. */
    String readOne() {
        Pending next;
        synchronized (this) {
            next = inFlight.poll();
            written.add(next.text());
        }
        next.done().accept(null);
        return next.text();
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    @Override
    public boolean welcomesFirst() {
        return welcomesFirst;
    }

    @Override
    public void abort(int code, String reason) {
        aborted = true;
        close(code, reason);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close(int code, String reason) {
        open = false;
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void send(String text) {
        throw new UnsupportedOperationException("the outbox sends asynchronously");
    }

    @Override
    public boolean ping(Runnable written) {
        return false;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:50001";
    }
}
