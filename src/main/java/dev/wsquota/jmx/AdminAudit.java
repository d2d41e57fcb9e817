package dev.wsquota.jmx;

import dev.wsquota.util.LogSafe;
import dev.wsquota.util.PerKeyWindow;

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
 * (a {@link PerKeyWindow} per attribute), so a script writing in a loop cannot flood the log: the first change in a
 * second is recorded at once, the others in one summary once that second has ended.
 */
final class AdminAudit {

    private static final Logger LOG = WeakLogger.of(AdminAudit.class);

    /** How long repeated changes of one attribute are folded into one record. */
    static final long FOLD_WINDOW_MILLIS = 1_000;

    private final OperatorNotifications notifications;
    private final Supplier<Optional<String>> containerCaller;
    private final PerKeyWindow<Change> repeated;

    /** @param containerCaller the container's caller of the current call, for connectors that attach no JAAS subject */
    AdminAudit(OperatorNotifications notifications, Supplier<Optional<String>> containerCaller) {
        this(notifications, containerCaller, System::currentTimeMillis);
    }

    AdminAudit(OperatorNotifications notifications, Supplier<Optional<String>> containerCaller, LongSupplier clock) {
        this.notifications = notifications;
        this.containerCaller = containerCaller;
        this.repeated = new PerKeyWindow<>(FOLD_WINDOW_MILLIS, clock, Integer.MAX_VALUE); // attributes: few
    }

    /** Writes an attribute and records the change, if the value changed. */
    <T> void write(String attribute, Supplier<T> current, Runnable change) {
        T old = JdkExceptions.call(current);
        JdkExceptions.run(change);
        T now = JdkExceptions.call(current);
        if (!Objects.equals(old, now)) {
            flush();
            String caller = caller();
            repeated.offer(attribute, new Change(old, now, caller)).ifPresent(before -> {
                summarize(before); // folded changes whose second ended after the flush above: before this one
                emit(attribute, old, now, attribute + " changed from " + old + " to " + now + " (by " + caller + ")",
                        caller, 1);
            });
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
        repeated.ended().forEach(this::summarize);
    }

    /** Records every folded change, whether its second has ended or not: when the application stops. */
    void flushAll() {
        repeated.drain().forEach(this::summarize);
    }

    /** One change of an attribute, as folded: the summary shows the first one's old value and the last one's new. */
    private record Change(Object oldValue, Object newValue, String caller) {
    }

    private void summarize(PerKeyWindow.Folded<Change> folded) {
        if (folded.count() == 0) {
            return;
        }
        Object firstOld = folded.first().oldValue();
        Object lastNew = folded.last().newValue();
        String lastCaller = folded.last().caller();
        String description = folded.count() == 1
                ? folded.key() + " changed from " + firstOld + " to " + lastNew + " (by " + lastCaller + ")"
                : folded.key() + " changed " + folded.count() + " more times within " + repeated.windowMillis()
                + " ms of its last record, from " + firstOld + " to " + lastNew + " (the last by " + lastCaller + ")";
        emit(folded.key(), firstOld, lastNew, description, lastCaller, folded.count());
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
