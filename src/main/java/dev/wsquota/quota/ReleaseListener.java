package dev.wsquota.quota;

/**
 * Told once about every manager that gave its slot back, with its cause, so code that keeps per-manager state
 * (the inbound lanes) can end it. Called after the user's monitor is left; it must not block.
 */
@FunctionalInterface
public interface ReleaseListener {

    /** Tells nobody. */
    ReleaseListener NONE = (manager, cause) -> { };

    void released(Manager manager, ReleaseCause cause);
}
