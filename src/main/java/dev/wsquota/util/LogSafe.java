package dev.wsquota.util;

/**
 * Renders user ids for logs, close reasons and JMX text so a hostile id can neither forge log lines nor grow without
 * bound.
 */
public final class LogSafe {

    /** Longest user id shown; longer ones are cut and marked. */
    public static final int MAX_SHOWN = 64;

    private LogSafe() {
    }

    /** The id with control characters escaped as \\uXXXX and cut to {@link #MAX_SHOWN} characters. */
    public static String user(String user) {
        if (user == null) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder(Math.min(user.length(), MAX_SHOWN) + 8);
        int shown = Math.min(user.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = user.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (user.length() > MAX_SHOWN) {
            out.append("...(").append(user.length()).append(" chars)");
        }
        return out.toString();
    }
}
