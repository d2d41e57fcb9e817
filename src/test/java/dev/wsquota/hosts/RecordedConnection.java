package dev.wsquota.hosts;

import dev.wsquota.quota.Connection;

/**
 * A client's connection as the history sees it: welcomed, then ended by the client or closed by the server
 * (a fence, the cluster-wide enforcement), each written once to the node's history.
 */
final class RecordedConnection implements Connection {

    private final HostMember node;
    private final String user;
    private final String id;
    private boolean open = true;
    private boolean welcomed;

    RecordedConnection(HostMember node, String user, String id) {
        this.node = node;
        this.user = user;
        this.id = id;
    }

    /** The client got its welcome; false if the server closed it first. */
    synchronized boolean welcomed(int active) {
        if (open) {
            welcomed = true;
            node.record("WELCOME", user, id, "active " + active);
        }
        return open;
    }

    synchronized void refused(String why) {
        open = false;
        node.record("REFUSE", user, id, why);
    }

    /** The client closes; false if the server had closed it already. */
    synchronized boolean closedByClient() {
        if (!open) {
            return false;
        }
        open = false;
        node.record("END", user, id, "client");
        return true;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (open && welcomed) {
            node.record("END", user, id, reason.equals("lost contact with the cluster") ? "fenced"
                    : code + " " + reason);
        }
        open = false;
    }

    @Override
    public void send(String text) {
        // nothing reads server events in these scenarios
    }

    @Override
    public boolean ping(Runnable written) {
        written.run();
        return true;
    }

    @Override
    public String remoteAddress() {
        return id;
    }
}
