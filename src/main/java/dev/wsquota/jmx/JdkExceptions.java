package dev.wsquota.jmx;

import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJBException;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls into the beans for a JMX client: whatever goes wrong leaves as a plain JDK exception with its
 * message, because JConsole and jmxterm have no EE classes to deserialize an {@code EJBException} with.
 */
final class JdkExceptions {

    private static final Logger LOG = WeakLogger.of(JdkExceptions.class);

    private JdkExceptions() {
    }

    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (EJBException e) {
            throw jdkException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (RuntimeException e) {
            // A plain object the bean handed out (its readings, its cluster-wide actions) fails without the EJB
            // wrapper.
            throw jdkException(e);
        }
    }

    static void run(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }

    /** The root cause as a JDK exception with its message and no EE classes in its chain. */
    static RuntimeException jdkException(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException) {
            return new IllegalArgumentException(root.getMessage());
        }
        LOG.log(Level.WARNING, "wsquota JMX call failed", thrown);
        return new IllegalStateException(root.getClass().getSimpleName() + ": " + root.getMessage());
    }
}
