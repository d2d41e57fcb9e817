package dev.wsquota.jmx;

import dev.wsquota.quota.LogSafe;

import javax.security.auth.Subject;
import java.security.AccessController;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** One audit record per operator change: a log line and a notification with the same text, naming who did it. */
final class AdminAudit {

    private static final Logger LOG = Logger.getLogger(AdminAudit.class.getName());

    private final OperatorNotifications notifications;
    private final Supplier<Optional<String>> containerCaller;

    /** @param containerCaller the container's caller of the current call, for connectors that attach no JAAS subject */
    AdminAudit(OperatorNotifications notifications, Supplier<Optional<String>> containerCaller) {
        this.notifications = notifications;
        this.containerCaller = containerCaller;
    }

    /** Writes an attribute and records the change, if the value changed. */
    <T> void write(String attribute, Supplier<T> current, Runnable change) {
        T old = JdkExceptions.call(current);
        JdkExceptions.run(change);
        T now = JdkExceptions.call(current);
        if (!Objects.equals(old, now)) {
            record(attribute, old, now, attribute + " changed from " + old + " to " + now);
        }
    }

    void record(String what, Object oldValue, Object newValue, String description) {
        String caller = caller();
        String line = "wsquota admin: " + description + " (by " + caller + ")";
        LOG.info(line);
        notifications.admin(line, OperatorNotifications.details("what", what, "oldValue", String.valueOf(oldValue),
                "newValue", String.valueOf(newValue), "caller", caller));
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
