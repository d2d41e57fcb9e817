package dev.wsquota.inbound;

/** A failure the client may be told about in so many words (never a backend's own text). */
public final class HandlerFailure extends RuntimeException {

    /** Which counter it goes to. */
    public enum Kind { FORWARD_TIMEOUT, FORWARD_FAILURE }

    private final Kind kind;

    public HandlerFailure(Kind kind, String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The short reason for the client's error frame. */
    public String reason() {
        return getMessage();
    }
}
