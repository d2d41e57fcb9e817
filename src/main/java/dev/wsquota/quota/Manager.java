package dev.wsquota.quota;

import dev.wsquota.util.LogSafe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One admitted connection holding one slot of its user's quota; it exists in the registry exactly as long as the slot
 * is held.
 */
public final class Manager {

    private static final VarHandle MESSAGES_IN;
    private static final VarHandle MESSAGES_OUT;
    private static final VarHandle PING_QUEUED;
    private static final VarHandle OUTBOX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES_IN = lookup.findVarHandle(Manager.class, "messagesIn", long.class);
            MESSAGES_OUT = lookup.findVarHandle(Manager.class, "messagesOut", long.class);
            PING_QUEUED = lookup.findVarHandle(Manager.class, "pingQueuedMillis", long.class);
            OUTBOX = lookup.findVarHandle(Manager.class, "outbox", Outbox.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The registry's sequence number; the id text is built from it on demand (a long, not a String per manager). */
    private final long serial;
    /** Shared by every manager of one registry: what keeps ids unique across redeployments. */
    private final String idPrefix;
    private final Connection connection;
    private final long openedAtMillis;
    final UserManagers owner;

    private volatile long lastActivityMillis;
    /** Inbound frames seen; a probe compares it before and after, which no clock granularity can blur. */
    private volatile int inboundFrames;
    /**
     * When the outstanding ping was queued, on the sweep's lag-adjusted clock (PingSweep); 0 when none is outstanding.
     */
    private volatile long pingQueuedMillis;
    /** When the outstanding ping was actually written, on the same clock; 0 until it is. */
    private volatile long pingWrittenMillis;
    @SuppressWarnings("unused") // updated through MESSAGES_IN
    private volatile long messagesIn;
    @SuppressWarnings("unused") // updated through MESSAGES_OUT
    private volatile long messagesOut;
    /** Why the slot was given back; null while it is held. */
    private volatile ReleaseCause releaseCause;
    /** The application's messages to this peer; made at the first one, so a manager nobody writes to carries none. */
    @SuppressWarnings("unused") // set through OUTBOX
    private volatile Outbox outbox;
    /** The welcome went out, so the application's messages may follow (see {@link Connection#welcomesFirst()}). */
    private volatile boolean welcomed;

    Manager(String idPrefix, long serial, Connection connection, long nowMillis, UserManagers owner) {
        this.idPrefix = idPrefix;
        this.serial = serial;
        this.connection = connection;
        this.openedAtMillis = nowMillis;
        this.lastActivityMillis = nowMillis;
        this.owner = owner;
    }

    /**
     * The manager id as operators and clients see it (JMX, welcome): the registry's prefix and the serial in base 36.
     */
    public String id() {
        return idPrefix + Long.toString(serial, 36);
    }

    /** Why this manager gave its slot back, or null while it holds it. */
    public ReleaseCause releaseCause() {
        return releaseCause;
    }

    /** Recorded by the registry under the user's monitor, before any listener is told. */
    void releasedFor(ReleaseCause cause) {
        releaseCause = cause;
    }

    /** The registry's key for this manager. */
    long serial() {
        return serial;
    }

    public String user() {
        return owner.user;
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

    /**
     * Records inbound traffic: any frame (a message or a pong) proves the peer is alive and answers an outstanding
     * ping.
     */
    // one reader thread per session; a lost increment still changes it
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
        pingQueuedMillis = 0;
        pingWrittenMillis = 0;
        inboundFrames++;
    }

    /** A value that changes whenever an inbound frame arrives. */
    public int inboundFrames() {
        return inboundFrames;
    }

    /** Records that a ping was queued now; the pong timeout counts from when it is written. */
    public void pingQueued(long nowMillis) {
        pingWrittenMillis = 0;
        pingQueuedMillis = nowMillis;
    }

    /** Records when the ping queued at {@code queuedMillis} was written, unless the peer answered meanwhile. */
    public void pingWritten(long queuedMillis, long writtenMillis) {
        if (pingQueuedMillis == queuedMillis && queuedMillis != 0) {
            pingWrittenMillis = writtenMillis;
        }
    }

    /** Withdraws the ping queued at {@code queuedMillis}: it could not be queued after all. */
    public void pingNotQueued(long queuedMillis) {
        PING_QUEUED.compareAndSet(this, queuedMillis, 0L);
    }

    /** When the outstanding ping was queued, on the sweep's lag-adjusted clock; 0 if none is outstanding. */
    public long pingQueuedMillis() {
        return pingQueuedMillis;
    }

    /** When the outstanding ping was written, on the sweep's lag-adjusted clock; 0 if it has not been (yet). */
    public long pingWrittenMillis() {
        return pingWrittenMillis;
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

    /**
     * Says the welcome was written: messages queued for this manager before it now go out, after it. The endpoint
     * calls it; a connection that does not {@link Connection#welcomesFirst() welcome first} never waits for it.
     */
    public void welcomed() {
        welcomed = true;
        Outbox mine = outbox;
        if (mine != null) {
            mine.release();
        }
    }

    /** This manager's queue, or null before the first message. */
    Outbox outbox() {
        return outbox;
    }

    /** This manager's queue, made now if it has none. */
    Outbox outbox(Outboxes owner) {
        Outbox mine = outbox;
        if (mine != null) {
            return mine;
        }
        Outbox made = new Outbox(this, owner, connection.welcomesFirst() && !welcomed);
        Outbox raced = (Outbox) OUTBOX.compareAndExchange(this, (Outbox) null, made);
        if (raced != null) {
            return raced;
        }
        if (welcomed) {
            made.release(); // the welcome went out while it was being made
        }
        return made;
    }

    @Override
    public String toString() {
        return "Manager[" + id() + " of " + LogSafe.user(user()) + "]";
    }
}
