package dev.wsquota.quota;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** One admitted connection holding one slot of its user's quota; it exists in the registry exactly as long as the slot is held. */
public final class Manager {

    private static final VarHandle MESSAGES_IN;
    private static final VarHandle MESSAGES_OUT;
    private static final VarHandle PING_SENT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES_IN = lookup.findVarHandle(Manager.class, "messagesIn", long.class);
            MESSAGES_OUT = lookup.findVarHandle(Manager.class, "messagesOut", long.class);
            PING_SENT = lookup.findVarHandle(Manager.class, "pingSentMillis", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final String user;
    private final Connection connection;
    private final long openedAtMillis;
    final UserManagers owner;

    private volatile long lastActivityMillis;
    /** Inbound frames seen; a probe compares it before and after, which no clock granularity can blur. */
    private volatile int inboundFrames;
    /** When the last unanswered ping went out, in epoch milliseconds; 0 when none is outstanding. */
    private volatile long pingSentMillis;
    @SuppressWarnings("unused") // updated through MESSAGES_IN
    private volatile long messagesIn;
    @SuppressWarnings("unused") // updated through MESSAGES_OUT
    private volatile long messagesOut;

    Manager(String id, String user, Connection connection, long nowMillis, UserManagers owner) {
        this.id = id;
        this.user = user;
        this.connection = connection;
        this.openedAtMillis = nowMillis;
        this.lastActivityMillis = nowMillis;
        this.owner = owner;
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    public Connection connection() {
        return connection;
    }

    /** When the manager was admitted, in epoch milliseconds. */
    public long openedAtMillis() {
        return openedAtMillis;
    }

    /** When the peer last sent anything, in epoch milliseconds. */
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** Milliseconds since the peer last sent anything. */
    public long idleMillis(long nowMillis) {
        return Math.max(0, nowMillis - lastActivityMillis);
    }

    /** Records inbound traffic: any frame (a message or a pong) proves the peer is alive and answers an outstanding ping. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // one reader thread per session; a lost increment still changes it
    public void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
        pingSentMillis = 0;
        inboundFrames++;
    }

    /** A value that changes whenever an inbound frame arrives. */
    public int inboundFrames() {
        return inboundFrames;
    }

    /** Records that a ping went out now. */
    public void pingSent(long nowMillis) {
        pingSentMillis = nowMillis;
    }

    /** Withdraws the ping recorded at {@code sentMillis} because it was not sent after all (the connection was busy). */
    public void pingNotSent(long sentMillis) {
        PING_SENT.compareAndSet(this, sentMillis, 0L);
    }

    /** When the outstanding ping went out, in epoch milliseconds; 0 if none is outstanding. */
    public long pingSentMillis() {
        return pingSentMillis;
    }


    /** Records one inbound message. */
    public void messageIn(long nowMillis) {
        touch(nowMillis);
        MESSAGES_IN.getAndAdd(this, 1L);
    }

    /** Records one outbound message. */
    public void messageOut() {
        MESSAGES_OUT.getAndAdd(this, 1L);
    }

    public long messagesIn() {
        return (long) MESSAGES_IN.getVolatile(this);
    }

    public long messagesOut() {
        return (long) MESSAGES_OUT.getVolatile(this);
    }

    @Override
    public String toString() {
        return "Manager[" + id + " of " + LogSafe.user(user) + "]";
    }
}
