package dev.wsquota.bench.jmh;

import dev.wsquota.quota.Connection;

/** A connection that does no I/O, so a benchmark measures the registry alone; {@code open} decides whether cleanup sees it as stale. */
final class OpenConnection implements Connection {

    volatile boolean open;

    OpenConnection(boolean open) {
        this.open = open;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close(int code, String reason) {
        open = false;
    }

    @Override
    public void send(String text) {
    }

    @Override
    public boolean ping(Runnable written) {
        written.run();
        return true;
    }

    @Override
    public String remoteAddress() {
        return "bench";
    }
}
