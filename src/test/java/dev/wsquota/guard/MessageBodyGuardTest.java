package dev.wsquota.guard;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageBodyGuardTest {

    private static String read(String type, byte[] body, int max) throws Exception {
        return MessageBodyGuard.read(type, new ByteArrayInputStream(body), max);
    }

    @Test
    void textAndCurlsFormTypeAreTakenAsTheyAre() throws Exception {
        assertEquals("a=b&c=%20",
                read("application/x-www-form-urlencoded", "a=b&c=%20".getBytes(StandardCharsets.UTF_8), 100));
        assertEquals("héllo", read("text/plain; charset=UTF-8", "héllo".getBytes(StandardCharsets.UTF_8), 100));
        assertEquals("{}", read("TEXT/JSON", "{}".getBytes(StandardCharsets.UTF_8), 100));
        assertEquals("", read("text/plain", new byte[0], 100));
    }

    @Test
    void exactlyTheLimitIsAcceptedOneMoreIs413() throws Exception {
        assertEquals(10, read("text/plain", new byte[]{'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'}, 10).length());
        MessageBodyGuard.Refused refused = assertThrows(MessageBodyGuard.Refused.class,
                () -> read("text/plain", new byte[11], 10));
        assertEquals(413, refused.status());
    }

    @Test
    void anythingButTextOrInvalidUtf8Is415() {
        for (String type : new String[]{null, "application/json", "application/octet-stream", "text/",
                "multipart/form-data"}) {
            assertEquals(415, assertThrows(MessageBodyGuard.Refused.class,
                    () -> read(type, "x".getBytes(StandardCharsets.UTF_8), 10)).status(), String.valueOf(type));
        }
        assertEquals(415, assertThrows(MessageBodyGuard.Refused.class,
                () -> read("text/plain", new byte[]{(byte) 0xC3, (byte) 0x28}, 10)).status());
        assertEquals(415, assertThrows(MessageBodyGuard.Refused.class,
                () -> read("text/plain; charset=ISO-8859-1", new byte[]{(byte) 0xE9}, 10)).status());
    }
}
