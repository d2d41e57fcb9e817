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
    private final int firstRound;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong lastArrival = new AtomicLong();
    private final AtomicLong late = new AtomicLong();

    /** A window for the rounds from {@code firstRound} on; a message of an earlier round is late, not received. */
    FanoutLatencies(int capacity, int firstRound) {
        nanos = new long[capacity];
        this.firstRound = firstRound;
    }

    /** Records one received message: {@code data} is "<send nanos> <round> <user> ..." as the sender wrote it. */
    void record(String data, String ownUser, long receivedNanos) {
        int space = data.indexOf(' ');
        int second = space < 0 ? -1 : data.indexOf(' ', space + 1);
        int third = second < 0 ? -1 : data.indexOf(' ', second + 1);
        if (third < 0 || !data.regionMatches(second + 1, ownUser, 0, ownUser.length())
                || third - second - 1 != ownUser.length()) {
            received.incrementAndGet();
            foreign.incrementAndGet();
            return;
        }
        long sent;
        int round;
        try {
            sent = Long.parseLong(data, 0, space, 10);
            round = Integer.parseInt(data, space + 1, second, 10);
        } catch (NumberFormatException e) {
            received.incrementAndGet();
            foreign.incrementAndGet(); // not a message of this benchmark: counted with the wrong ones
            return;
        }
        if (round < firstRound) {
            late.incrementAndGet(); // an earlier window's message: not this window's
            return;
        }
        received.incrementAndGet();
        lastArrival.accumulateAndGet(receivedNanos, Math::max);
        int i = next.getAndIncrement();
        if (i < nanos.length) {
            nanos[i] = receivedNanos - sent;
        }
    }

    long received() {
        return received.get();
    }

    /** Messages of an earlier window that arrived during this one. */
    long late() {
        return late.get();
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
