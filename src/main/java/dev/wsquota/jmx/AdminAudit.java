package dev.wsquota.jmx;

import dev.wsquota.util.LogSafe;

import dev.wsquota.util.WeakLogger;

import javax.security.auth.Subject;
import java.security.AccessController;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * An audit record per operator change: a log line and a notification with the same text, naming who did it.
 * Repeated changes of one attribute within a second are folded into one summary record with their count
 * (see {@link RepeatedWrites}), so a script writing in a loop cannot flood the log.
 */
final class AdminAudit {

    private static final Logger LOG = WeakLogger.of(AdminAudit.class);

    /** How long repeated changes of one attribute are folded into one record. */
    static final long FOLD_WINDOW_MILLIS = 1_000;

    private final OperatorNotifications notifications;
    private final Supplier<Optional<String>> containerCaller;
    private final RepeatedWrites repeated;

    /** @param containerCaller the container's caller of the current call, for connectors that attach no JAAS subject */
    AdminAudit(OperatorNotifications notifications, Supplier<Optional<String>> containerCaller) {
        this(notifications, containerCaller, System::currentTimeMillis);
    }

    AdminAudit(OperatorNotifications notifications, Supplier<Optional<String>> containerCaller, LongSupplier clock) {
        this.notifications = notifications;
        this.containerCaller = containerCaller;
        this.repeated = new RepeatedWrites(FOLD_WINDOW_MILLIS, clock);
    }

    /** Writes an attribute and records the change, if the value changed. */
    <T> void write(String attribute, Supplier<T> current, Runnable change) {
        T old = JdkExceptions.call(current);
        JdkExceptions.run(change);
        T now = JdkExceptions.call(current);
        if (!Objects.equals(old, now)) {
            flush();
            String caller = caller();
            if (repeated.offer(attribute, old, now, caller)) {
                emit(attribute, old, now, attribute + " changed from " + old + " to " + now + " (by " + caller + ")",
                        caller, 1);
            }
        }
    }

    void record(String what, Object oldValue, Object newValue, String description) {
        String caller = caller();
        emit(what, oldValue, newValue, description + " (by " + caller + ")", caller, 1);
    }

    /**
     * Records the folded changes whose second has ended: called before every write, and every second by the
     * registration.
     */
    void flush() {
        repeated.due().forEach(this::summarize);
    }

    /** Records every folded change, whether its second has ended or not: when the application stops. */
    void flushAll() {
        repeated.all().forEach(this::summarize);
    }

    private void summarize(RepeatedWrites.Summary folded) {
        String description = folded.changes() == 1
                ? folded.attribute() + " changed from " + folded.firstOld() + " to " + folded.lastNew() + " (by "
                        + folded.lastCaller() + ")"
                : folded.attribute() + " changed " + folded.changes() + " more times within " + folded.windowMillis()
                + " ms of its last record, from " + folded.firstOld() + " to " + folded.lastNew() + " (the last by "
                + folded.lastCaller() + ")";
        emit(folded.attribute(), folded.firstOld(), folded.lastNew(), description, folded.lastCaller(),
                folded.changes());
    }

    private void emit(String what, Object oldValue, Object newValue, String description, String caller, long changes) {
        String line = "wsquota admin: " + description;
        LOG.info(line);
        notifications.admin(line, OperatorNotifications.details("what", what, "oldValue", String.valueOf(oldValue),
                "newValue", String.valueOf(newValue), "caller", caller, "changes", changes));
    }

    /**
     * The identity the JMX connector attached to this call, if it attached one: a JAAS subject, or
     * the container's caller (Liberty's REST connector runs the call as its authenticated user).
     */
    @SuppressWarnings("removal") // Subject.current() arrives in Java 18; this build targets 17
    private String caller() {
        try {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject != null && !subject.getPrincipals().isEmpty()) {
                return subject.getPrincipals().stream().map(Principal::getName).distinct().sorted()
                        .collect(Collectors.joining(","));
            }
            Optional<String> caller = containerCaller.get();
            if (caller.isPresent()) {
                return LogSafe.user(caller.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the JMX caller's identity", e);
        }
        return "unknown (the connector gave no identity)";
    }
}
