package dev.wsquota.inbound;

import dev.wsquota.quota.ReleaseCause;

/** A welcomed manager gave its slot back: observed once, after all of its messages. */
public final class ManagerClosed {

    private final String user;
    private final String managerId;
    private final ReleaseCause cause;

    ManagerClosed(String user, String managerId, ReleaseCause cause) {
        this.user = user;
        this.managerId = managerId;
        this.cause = cause;
    }

    public String user() {
        return user;
    }

    public String managerId() {
        return managerId;
    }

    /** Why it ended: CLOSE (the peer or the server closed it), ERROR, PONG_TIMEOUT, EVICTED, ADMIN, SHUTDOWN, ... */
    public ReleaseCause cause() {
        return cause;
    }

    @Override
    public String toString() {
        return "closed " + managerId + " of " + user + " (" + cause + ")";
    }
}
