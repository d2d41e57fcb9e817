package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles the registry with the container's own list of open sessions. Two kinds of drift:
 * a manager whose session the container no longer has (it holds a slot for nothing: released), and
 * an admitted open session whose manager is gone (it uses a connection without a slot: closed).
 * A difference must be seen in two checks at least {@code graceMillis} apart before it is corrected,
 * because every open and close passes briefly through a state where the two views differ, and under
 * load a close callback can lag the container's own view by more than one (forced) check.
 */
public final class DriftCheck {

    /** Close reason sent to a session that was found without a slot. */
    public static final String UNCOUNTED_REASON = "connection lost its quota slot; reconnect";

    private final long graceMillis;
    /** Suspect id to when it was first seen differing, in the registry's clock. */
    private Map<String, Long> suspectManagers = new HashMap<>();
    private Map<String, Long> suspectSessions = new HashMap<>();

    /** @param graceMillis how long a difference must last before it is corrected (besides two sightings) */
    public DriftCheck(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /** One corrected difference, for the log and the notification. */
    public record Correction(String user, String managerId, String sessionId, String what) {
    }

    /**
     * Compares and corrects. Only managers whose connection is a container session
     * ({@link Connection#sessionId()} not null) take part. A session or manager that cannot be
     * examined (it closed while being looked at) is skipped and reported, never the end of the check.
     */
    public synchronized Result reconcile(ManagerRegistry registry, List<OpenSession> openSessions) {
        Map<String, OpenSession> open = new HashMap<>();
        List<Correction> corrections = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (OpenSession session : openSessions) {
            try {
                open.put(session.sessionId(), session);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        long now = registry.now();
        ServerCloses closes = registry.closes();
        Map<String, Long> managersNow = new HashMap<>();
        for (Manager manager : registry.allManagers()) {
            try {
                String sessionId = manager.connection().sessionId();
                if (sessionId == null || open.containsKey(sessionId)) {
                    continue;
                }
                Long since = suspectManagers.get(manager.id());
                if (since == null || now - since < graceMillis) {
                    managersNow.put(manager.id(), since == null ? now : since);
                } else if (
                        closes.releaseAndCloseQuietly(manager, ReleaseCause.DRIFT, CloseCodes.GOING_AWAY,
                        UNCOUNTED_REASON)) {
                    corrections.add(new Correction(manager.user(), manager.id(), sessionId,
                            "manager held a slot for a session the container no longer has; released"));
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        Map<String, Long> sessionsNow = new HashMap<>();
        for (OpenSession session : open.values()) {
            try {
                String managerId = session.managerId();
                if (managerId == null || session.closing() || registry.find(managerId).isPresent()) {
                    continue;
                }
                Long since = suspectSessions.get(session.sessionId());
                if (since == null || now - since < graceMillis) {
                    sessionsNow.put(session.sessionId(), since == null ? now : since);
                    continue;
                }
                try {
                    session.close(CloseCodes.POLICY_VIOLATION, UNCOUNTED_REASON);
                    corrections.add(new Correction(session.user(), managerId, session.sessionId(),
                            "open session had no slot in the registry; closed"));
                } catch (Exception e) {
                    corrections.add(new Correction(session.user(), managerId, session.sessionId(),
                            "open session had no slot in the registry; closing it failed: " + e));
                }
            } catch (RuntimeException e) {
                failures.add(e); // e.g. a session that closed while we looked at it
            }
        }
        suspectManagers = managersNow;
        suspectSessions = sessionsNow;
        return new Result(List.copyOf(corrections), List.copyOf(failures));
    }

    /**
     * What one check did.
     *
     * @param corrections differences found and fixed
     * @param failures    sessions or managers that could not be examined (looked at again next time)
     */
    public record Result(List<Correction> corrections, List<Exception> failures) {
    }
}
