package dev.wsquota.quota;

/** Why a manager gave its slot back; every release records exactly one, so an operator can see where slots go. */
public enum ReleaseCause {
    /** The peer or the server closed the connection normally (the endpoint's onClose). */
    CLOSE,
    /** The container reported an error on the connection (the endpoint's onError). */
    ERROR,
    /** Cleanup or admission found the session already closed while the slot was still held. */
    STALE,
    /** Nothing arrived for longer than the idle timeout; the server closed it. */
    IDLE,
    /** The peer did not answer a ping in time; the server closed it. */
    PONG_TIMEOUT,
    /** A newer connection of the same user replaced it (on-limit policy evict-oldest). */
    EVICTED,
    /** An operator closed it. */
    ADMIN,
    /** The registry and the container disagreed; the drift check fixed it. */
    DRIFT,
    /** The application is stopping. */
    SHUTDOWN,
    /** Its peer did not read what the application sent: its outbound queue was full or a send took too long. */
    SLOW_CONSUMER,
    /** This cluster node could not renew its leases for a whole lease and closed its connections. */
    FENCED,
    /** This node was drained before a stop: the server closed it with 1001, spread over the drain's window. */
    DRAINED
}
