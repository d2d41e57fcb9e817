package dev.wsquota.quota;

import java.util.List;

/** Asks the container which WebSocket sessions it has open, independently of the registry. */
public interface ContainerView {

    /** Every open session of the endpoint, as the container knows them. */
    List<OpenSession> openSessions();
}
