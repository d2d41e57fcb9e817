package dev.wsquota.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fan-out step's clients received in one measured window: every pushed message's send-to-receive time
 * (the server's send nanos from the payload against this JVM's clock), the last arrival, and messages that named
 * another user than the connection's (must stay 0). Lock-free; samples past the capacity are counted, not kept.
 */
final class FanoutLatencies {

    private final long[] nanos;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong lastArrival = new AtomicLong();

    FanoutLatencies(int capacity) {
        nanos = new long[capacity];
    }

    /** Records one received message: {@code data} is "<send nanos> <round> <user> ..." as the sender wrote it. */
    void record(String data, String ownUser, long receivedNanos) {
        received.incrementAndGet();
        lastArrival.accumulateAndGet(receivedNanos, Math::max);
        int space = data.indexOf(' ');
        int second = space < 0 ? -1 : data.indexOf(' ', space + 1);
        int third = second < 0 ? -1 : data.indexOf(' ', second + 1);
        if (third < 0 || !data.regionMatches(second + 1, ownUser, 0, ownUser.length())
                || third - second - 1 != ownUser.length()) {
            foreign.incrementAndGet();
            return;
        }
        long sent;
        try {
            sent = Long.parseLong(data, 0, space, 10);
        } catch (NumberFormatException e) {
            foreign.incrementAndGet(); // not a message of this benchmark: counted with the wrong ones
            return;
        }
        int i = next.getAndIncrement();
        if (i < nanos.length) {
            nanos[i] = receivedNanos - sent;
        }
    }

    long received() {
        return received.get();
    }

    long foreign() {
        return foreign.get();
    }

    long lastArrivalNanos() {
        return lastArrival.get();
    }

    Percentiles percentiles() {
        return Percentiles.of(Arrays.copyOf(nanos, Math.min(next.get(), nanos.length)));
    }
}
