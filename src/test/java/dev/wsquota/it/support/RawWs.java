package dev.wsquota.it.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a plain socket, for what a well-behaved client library will not send:
 * malformed handshakes, binary and invalid UTF-8 frames, hand-made fragments, unmasked frames.
 * Client frames are masked (RFC 6455 5.3) unless a test asks otherwise. Reads time out after 20 s.
 */
public final class RawWs implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int status;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();

    /** A frame from the server. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** How the server ended the connection: its close frame, or -1 when the TCP connection just ended. */
    public record Close(int code, String reason, List<String> textsBefore) {
    }

    private RawWs() throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port()), 10_000);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static int port() {
        return Integer.parseInt(System.getProperty("httpPort", "19080"));
    }

    public static String host() {
        return "127.0.0.1:" + port();
    }

    public static String newKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The headers of a correct handshake as the user (BASIC), which a test then changes or removes. */
    public static Map<String, String> basicHandshake(String user, String password) {
        Map<String, String> headers = handshakeWithoutCredentials();
        headers.put("Authorization", WsClient.basic(user, password));
        return headers;
    }

    public static Map<String, String> bearerHandshake(String token) {
        Map<String, String> headers = handshakeWithoutCredentials();
        headers.put("Authorization", "Bearer " + token);
        return headers;
    }

    public static Map<String, String> handshakeWithoutCredentials() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host());
        headers.put("Upgrade", "websocket");
        headers.put("Connection", "Upgrade");
        headers.put("Sec-WebSocket-Key", newKey());
        headers.put("Sec-WebSocket-Version", "13");
        return headers;
    }

    /** Sends "GET /ws HTTP/1.1" with these headers (a null value leaves the header out) and reads the status. */
    public static RawWs handshake(Map<String, String> headers) throws IOException {
        return handshake("GET", "/ws", "HTTP/1.1", headers);
    }

    public static RawWs handshake(String method, String target, String version,
            Map<String, String> headers) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + target + " " + version + "\r\n");
        headers.forEach((name, value) -> {
            if (value != null) {
                request.append(name).append(": ").append(value).append("\r\n");
            }
        });
        request.append("\r\n");
        return handshakeRaw(request.toString());
    }

    /** Sends exactly this request head and reads the response's status line and headers. */
    public static RawWs handshakeRaw(String requestHead) throws IOException {
        RawWs ws = new RawWs();
        ws.out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
        ws.out.flush();
        ws.readResponseHead();
        return ws;
    }

    private void readResponseHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    status = -1; // closed without any answer
                    return;
                }
                break;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 65_536) {
                throw new IOException("response head larger than 64 KiB");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        status = Integer.parseInt(statusLine[1]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
    }

    /** The HTTP status of the handshake answer; 101 = upgraded; -1 = the server closed without answering. */
    /** The client side's port, as the server sees it in the peer's address. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public int status() {
        return status;
    }

    public String responseHeader(String name) {
        return responseHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Writes one frame; {@code masked} false breaks RFC 6455 on purpose. */
    public void sendFrame(int opcode, boolean fin, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift) & 0xFF);
            }
        }
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.write(mask, 0, 4);
            byte[] maskedPayload = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                maskedPayload[i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            frame.write(maskedPayload, 0, maskedPayload.length);
        } else {
            frame.write(payload, 0, payload.length);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        if (length > 16L * 1024 * 1024) {
            throw new IOException("server frame of " + length + " bytes");
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("frame cut short");
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** The next text message (single frame; the server sends no fragments to this client). */
    public String readText() throws IOException {
        Frame frame = readFrame();
        while (frame.opcode() == PING) {
            // The server's ping sweep may reach a slow test's connection: answer it as any client does.
            sendFrame(PONG, true, frame.payload(), true);
            frame = readFrame();
        }
        if (frame.opcode() != TEXT) {
            throw new AssertionError("expected a text frame, got opcode " + frame.opcode()
                    + (frame.opcode() == CLOSE ? " " + closeOf(frame, List.of()) : ""));
        }
        return frame.text();
    }

    /** Reads (and keeps) text frames until the server's close frame, or until the connection ends. */
    public Close awaitClose() throws IOException {
        List<String> texts = new ArrayList<>();
        try {
            for (;;) {
                Frame frame = readFrame();
                if (frame.opcode() == CLOSE) {
                    return closeOf(frame, texts);
                }
                if (frame.opcode() == TEXT) {
                    texts.add(frame.text());
                }
            }
        } catch (EOFException | SocketException e) {
            return new Close(-1, "connection ended without a close frame: " + e, texts);
        }
    }

    private static Close closeOf(Frame frame, List<String> texts) {
        byte[] p = frame.payload();
        if (p.length < 2) {
            return new Close(1005, "", texts);
        }
        int code = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
        return new Close(code, new String(p, 2, p.length - 2, StandardCharsets.UTF_8), texts);
    }

    /** Sends a normal close frame (1000) and waits for the server's. */
    public Close closeNormally() throws IOException {
        sendFrame(CLOSE, true, new byte[] {0x03, (byte) 0xE8}, true);
        return awaitClose();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new IllegalStateException("could not close a test socket", e);
        }
    }
}
