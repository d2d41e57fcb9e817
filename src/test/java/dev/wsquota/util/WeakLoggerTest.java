package dev.wsquota.util;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeakLoggerTest {

    /** Collects what reaches the named logger. */
    private static final class Recorder extends Handler {
        final List<LogRecord> records = new ArrayList<>();

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordsReachTheLoggerOfThatNameWithTheCallerAsSource() {
        Logger named = Logger.getLogger(WeakLoggerTest.class.getName());
        Recorder recorder = new Recorder();
        named.addHandler(recorder);
        named.setLevel(Level.INFO);
        named.setUseParentHandlers(false);
        try {
            Logger log = WeakLogger.of(WeakLoggerTest.class);
            log.info(() -> "hello");
            log.log(Level.WARNING, "failed", new IllegalStateException("x"));
            log.fine("not at this level");

            assertEquals(WeakLoggerTest.class.getName(), log.getName());
            assertFalse(log.isLoggable(Level.FINE));
            assertEquals(2, recorder.records.size());
            LogRecord first = recorder.records.get(0);
            assertEquals("hello", first.getMessage());
            assertEquals(WeakLoggerTest.class.getName(), first.getLoggerName());
            assertEquals(WeakLoggerTest.class.getName(), first.getSourceClassName());
            assertEquals("recordsReachTheLoggerOfThatNameWithTheCallerAsSource", first.getSourceMethodName());
            assertEquals("x", recorder.records.get(1).getThrown().getMessage());
        } finally {
            named.removeHandler(recorder);
            named.setLevel(null);
            named.setUseParentHandlers(true);
        }
    }

    @Test
    void doesNotKeepTheLoggerOfThatNameAlive() throws InterruptedException {
        String name = WeakLoggerTest.class.getName() + ".unheld";
        Logger log = WeakLogger.named(name);
        assertTrue(log.isLoggable(Level.SEVERE)); // looks the logger of that name up (creating it)
        WeakReference<Logger> real = new WeakReference<>(Logger.getLogger(name));
        for (int i = 0; i < 20 && real.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(real.get(), "the logger of that name is still reachable: something holds it strongly");
        assertTrue(log.isLoggable(Level.SEVERE), "after it was collected, the logger of that name is looked up again");
        assertEquals(name, log.getName());
    }
}
