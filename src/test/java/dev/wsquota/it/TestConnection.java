package dev.wsquota.it;

import dev.wsquota.quota.Connection;

import java.io.IOException;

/** A connection in-container tests open, close and break by hand, without a network. */
public final class TestConnection implements Connection {

    public volatile boolean open = true;
    public volatile boolean broken;
    public volatile int closeCode;
    public volatile String closeReason;
    /** The container session id this connection claims; set it to fake a manager the container does not know. */
    public volatile String containerSessionId;

    @Override
    public boolean isOpen() {
        if (broken) {
            throw new IllegalStateException("injected failure: session state unreadable");
        }
        return open;
    }

    @Override
    public void close(int code, String reason) throws IOException {
        open = false;
        closeCode = code;
        closeReason = reason;
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
    public String sessionId() {
        return containerSessionId;
    }

    @Override
    public String remoteAddress() {
        return "test";
    }
}
