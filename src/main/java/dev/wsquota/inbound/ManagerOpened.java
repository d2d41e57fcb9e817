package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;

/** A manager was admitted and welcomed: observed before any of its messages. */
public final class ManagerOpened {

    private final Manager manager;
    private final int active;
    private final Replies replies;

    ManagerOpened(Manager manager, int active, Replies replies) {
        this.manager = manager;
        this.active = active;
        this.replies = replies;
    }

    public String user() {
        return manager.user();
    }

    public String managerId() {
        return manager.id();
    }

    /** The user's managers at its admission, this one included, across the cluster (as in the welcome). */
    public int active() {
        return active;
    }

    /** Sends {@code text} to this manager, after its welcome; false if the connection is gone or closing. */
    public boolean reply(String text) {
        return replies.send(manager, text);
    }

    @Override
    public String toString() {
        return "opened " + manager + " (" + active + " active)";
    }
}
