package dev.wsquota.jconsole.model;

import javax.management.JMException;
import java.io.IOException;

/**
 * The operator's actions on the MXBean, each turned into an {@link Outcome}: the operation's own result, or the
 * message of the {@link IllegalArgumentException} with which it refused a value (JMX wraps it; this unwraps it),
 * or why the call failed. Blocking: run it off the Swing thread.
 */
public final class AdminActions {

    private static final String[] STRING = {String.class.getName()};
    private static final String[] STRING_INT = {String.class.getName(), int.class.getName()};

    private final FactoryConnection factory;

    public AdminActions(FactoryConnection factory) {
        this.factory = factory;
    }

    public Outcome forceCleanup() {
        return run("forceCleanup", new Object[0], new String[0],
                result -> "forceCleanup(): " + plural((Integer) result, "slot") + " given back");
    }

    public Outcome forceCleanupUser(String user) {
        return run("forceCleanupUser", new Object[]{user}, STRING,
                result -> "forceCleanupUser(" + user + "): " + plural((Integer) result, "slot") + " given back");
    }

    /** Parses the quota the operator typed; a non-number is refused here and nothing is sent. */
    public Outcome setUserQuota(String user, String quota) {
        int managers;
        try {
            managers = Integer.parseInt(quota == null ? "" : quota.strip());
        } catch (NumberFormatException e) {
            return Outcome.refused("quota must be a whole number of managers, was \"" + quota + "\"; nothing sent");
        }
        return setUserQuota(user, managers);
    }

    public Outcome setUserQuota(String user, int managers) {
        return run("setUserQuota", new Object[]{user, managers}, STRING_INT, String::valueOf);
    }

    public Outcome clearUserQuota(String user) {
        return run("clearUserQuota", new Object[]{user}, STRING, String::valueOf);
    }

    public Outcome disconnectUser(String user) {
        return run("disconnectUser", new Object[]{user}, STRING,
                result -> "disconnectUser(" + user + "): " + plural((Integer) result, "manager") + " closed");
    }

    public Outcome closeManager(String managerId) {
        return run("closeManager", new Object[]{managerId}, STRING, String::valueOf);
    }

    private Outcome run(String operation, Object[] params, String[] signature,
                        java.util.function.Function<Object, String> describe) {
        try {
            return Outcome.done(describe.apply(factory.invoke(operation, params, signature)));
        } catch (JMException | IOException | RuntimeException e) {
            return outcomeOf(operation, e);
        }
    }

    /** A refusal when an IllegalArgumentException is anywhere in the chain (that is how the MXBean says no). */
    static Outcome outcomeOf(String operation, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException refusal) {
                return Outcome.refused(operation + " refused: " + refusal.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Outcome.failed(operation + " failed: " + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
