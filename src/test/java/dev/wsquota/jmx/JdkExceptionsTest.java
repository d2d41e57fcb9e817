package dev.wsquota.jmx;

import jakarta.ejb.EJBException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JdkExceptionsTest {

    /** An exception type a JMX client would not have, as a library behind a plain object might throw. */
    private static final class LibraryException extends RuntimeException {
        LibraryException(String message) {
            super(message);
        }
    }

    @Test
    void aRefusedValueKeepsItsMessage() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> JdkExceptions.call(() -> {
                    throw new IllegalArgumentException("CleanupIntervalSeconds must be 1..86400, was 0");
                }));
        assertEquals("CleanupIntervalSeconds must be 1..86400, was 0", refused.getMessage());
    }

    @Test
    void theBeanWrapperIsTakenOff() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> JdkExceptions.call(() -> {
                    throw new EJBException(new IllegalArgumentException("bad user id"));
                }));
        assertEquals("bad user id", refused.getMessage());
    }

    @Test
    void aFailureOfAPlainObjectLeavesAsAJdkExceptionWithItsTypeAndMessage() {
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> JdkExceptions.call(() -> {
                    throw new LibraryException("member gone");
                }));
        assertEquals("LibraryException: member gone", failed.getMessage());
        assertNull(failed.getCause(), "nothing in its chain a JMX client could not load");
    }

    @Test
    void aResultPassesThrough() {
        Object result = new Object();
        assertSame(result, JdkExceptions.call(() -> result));
    }
}
