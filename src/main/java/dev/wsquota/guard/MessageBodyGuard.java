package dev.wsquota.guard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks the body of a message a backend posts over HTTP before anything is sent: it must be text ({@code text/*},
 * or the {@code application/x-www-form-urlencoded} that {@code curl -d} sends), valid UTF-8 whatever charset the
 * header names, and at most the inbound message size limit. The body is delivered as it is, never form-decoded.
 */
public final class MessageBodyGuard {

    /** Why a body was refused, with the HTTP status that says so. */
    public static final class Refused extends Exception {

        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** 413 (too large) or 415 (not text, or not UTF-8). */
        public int status() {
            return status;
        }
    }

    public static final int TOO_LARGE = 413;
    public static final int NOT_TEXT = 415;

    private MessageBodyGuard() {
    }

    /**
     * Reads at most {@code maxBytes} + 1 bytes of the body and returns it as text.
     *
     * @throws Refused 415 when the content type is not text or the bytes are not UTF-8; 413 when it is longer than
     *                 {@code maxBytes} (exactly {@code maxBytes} is accepted)
     */
    public static String read(String contentType, InputStream body, int maxBytes) throws Refused, IOException {
        if (!isText(contentType)) {
            throw new Refused(NOT_TEXT, "the message must be text (Content-Type text/* or "
                    + "application/x-www-form-urlencoded, UTF-8), was " + (contentType == null ? "none" : "'"
                    + contentType.replaceAll("[^\\x20-\\x7e]", "?") + "'"));
        }
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new Refused(TOO_LARGE, "the message is larger than " + maxBytes
                    + " bytes (wsquota.max-message-bytes)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(NOT_TEXT, "the message is not valid UTF-8");
        }
    }

    /** {@code text/*} or {@code application/x-www-form-urlencoded}, any parameters; nothing else. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") && type.length() > "text/".length()
                || type.equals("application/x-www-form-urlencoded");
    }
}
