package dev.wsquota.quota;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives out manager serials and reads an id text back to its serial, so an operator's id finds its manager
 * through a number-keyed index; the prefix keeps ids unique across redeployments in one JVM.
 */
final class ManagerIds {

    private final AtomicLong sequence = new AtomicLong();
    private final String prefix;

    ManagerIds() {
        this(Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-");
    }

    ManagerIds(String prefix) {
        this.prefix = prefix;
    }

    /** What every id given out here starts with. */
    String prefix() {
        return prefix;
    }

    long nextSerial() {
        return sequence.incrementAndGet();
    }

    /** The serial the id text stands for, or -1 for text that is not an id given out here. */
    long serialOf(String id) {
        if (id == null || !id.startsWith(prefix) || id.length() == prefix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(id, prefix.length(), id.length(), 36);
        } catch (NumberFormatException e) {
            return -1; // not an id given out here: the caller answers "no such manager"
        }
    }
}
