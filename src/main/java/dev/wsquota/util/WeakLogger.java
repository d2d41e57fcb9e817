package dev.wsquota.util;

import java.lang.ref.WeakReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The logger for a class of this application, which holds the server's logger of that name only weakly, so a
 * redeploy leaves no old version loaded. Loggers are JVM-wide: a redeployed application is handed the previous
 * version's logger of the same name while it lives, and the server's logger keeps the class that first asked
 * for it (Liberty's trace component does). Kept in a static field, that logger would keep the old version's class
 * loader, and with it the whole old application, for as long as the new one runs. Looked up again by name once
 * collected; log calls and log configuration by name work as with {@code Logger.getLogger}.
 */
public final class WeakLogger extends Logger {

    private volatile WeakReference<Logger> target = new WeakReference<>(null);

    private WeakLogger(String name) {
        super(name, null);
    }

    /** The logger named after the class, to keep in its static field. */
    public static Logger of(Class<?> type) {
        return named(type.getName());
    }

    static Logger named(String name) {
        return new WeakLogger(name);
    }

    private Logger target() {
        Logger logger = target.get();
        if (logger == null) {
            logger = Logger.getLogger(getName());
            target = new WeakReference<>(logger);
        }
        return logger;
    }

    @Override
    public boolean isLoggable(Level level) {
        return target().isLoggable(level);
    }

    /** Every logging method of {@link Logger} ends here once the level allows the record. */
    @Override
    public void log(LogRecord record) {
        // The source is found from the stack when first asked: here it is still our caller, inside the real
        // logger the JDK would name this class instead.
        record.getSourceClassName();
        target().log(record);
    }
}
