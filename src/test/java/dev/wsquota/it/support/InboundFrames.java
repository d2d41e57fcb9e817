package dev.wsquota.it.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the inbound tests read an application reply out of a frame, in one place. */
public final class InboundFrames {

    private static final Pattern PUSHED = Pattern.compile("\\{\"type\":\"message\",\"data\":\"(.*)\"}", Pattern.DOTALL);

    private InboundFrames() {
    }

    /** The application's reply text in a frame the client received: a pushed message frame, JSON-unescaped. */
    public static String text(String frame) {
        Matcher pushed = PUSHED.matcher(frame);
        if (!pushed.matches()) {
            throw new AssertionError("not a pushed message frame: " + frame);
        }
        String data = pushed.group(1);
        StringBuilder text = new StringBuilder(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c != '\\') {
                text.append(c);
                continue;
            }
            char escaped = data.charAt(++i);
            switch (escaped) {
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append((char) Integer.parseInt(data.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> text.append(escaped); // \" and \\ (and \/)
            }
        }
        return text.toString();
    }

    /** The next frame from the server within 15 s; no frame by then fails the test. */
    public static String next(WsClient client) throws InterruptedException {
        String frame = client.next(15);
        if (frame == null) {
            throw new AssertionError("no message from the server within 15 s");
        }
        return frame;
    }

    /** The application's reply text in the next frame from the server within 15 s. */
    public static String nextText(WsClient client) throws InterruptedException {
        return text(next(client));
    }
}
