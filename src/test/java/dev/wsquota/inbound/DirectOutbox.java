package dev.wsquota.inbound;

import dev.wsquota.quota.Manager;

import java.io.IOException;

/** Writes replies and error frames straight to the manager's (fake) connection, for tests of the lanes alone. */
final class DirectOutbox implements ManagerOutbox {

    static final ManagerOutbox INSTANCE = new DirectOutbox();

    @Override
    public void text(Manager to, String text) throws IOException {
        to.connection().send(text);
        to.messageOut();
    }

    @Override
    public void error(Manager to, String reason) throws IOException {
        to.connection().send(ManagerOutbox.errorFrame(reason));
    }
}
