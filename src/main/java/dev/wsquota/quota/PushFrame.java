package dev.wsquota.quota;

/**
 * The frame a client receives for a message the application sent it: {@code {"type":"message","data":"<text>"}},
 * the text unchanged inside a JSON string. Built once per message, however many managers it goes to.
 */
public final class PushFrame {

    /** The frame's {@code type}, beside the welcome's {@code "welcome"}. */
    public static final String TYPE = "message";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PushFrame() {
    }

    public static String of(String text) {
        StringBuilder frame = new StringBuilder(text.length() + 32).append("{\"type\":\"").append(TYPE)
                .append("\",\"data\":\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> frame.append("\\\"");
                case '\\' -> frame.append("\\\\");
                case '\n' -> frame.append("\\n");
                case '\r' -> frame.append("\\r");
                case '\t' -> frame.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        frame.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                                .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        frame.append(c);
                    }
                }
            }
        }
        return frame.append("\"}").toString();
    }
}
