package dev.wsquota.quota;

/** Validation of user ids that arrive from outside the handshake (JMX operations, configuration). */
public final class UserIds {

    /** Longest user id accepted, in characters. */
    public static final int MAX_LENGTH = 256;

    private UserIds() {
    }

    /** Refuses null, blank and over-long ids with a message that says what is allowed. */
    public static String check(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("user must be a non-blank name");
        }
        if (user.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("user must be at most " + MAX_LENGTH + " characters, was "
                    + user.length());
        }
        return user;
    }
}
