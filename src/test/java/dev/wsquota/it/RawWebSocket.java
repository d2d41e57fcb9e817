package dev.wsquota.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer written by hand on a plain socket, for what no well-behaved client does: stop
 * reading, never answer a ping, never close.
 */
public final class RawWebSocket implements Closeable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;

    private RawWebSocket(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /** Performs the upgrade by hand as this user (password wsquota) and reads the response headers. */
    public static RawWebSocket connect(String user) throws IOException {
        Socket socket = new Socket("127.0.0.1", WsClient.endpoint().getPort());
        socket.setSoTimeout(20_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET /ws HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + socket.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: " + WsClient.basic(user, WsClient.PASSWORD) + "\r\n"
                + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        return new RawWebSocket(socket, status);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The client side's port, as the server sees it in the peer address. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public int status() {
        return status;
    }

    /** Reads frames until a text frame arrives and returns it; pings are read and deliberately not answered. */
    public String readText() throws IOException {
        for (;;) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = first & 0x0F;
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            if (opcode == 0x8) {
                throw new IOException("closed by the server: " + closeDescription(payload));
            }
        }
    }

    private static String closeDescription(byte[] payload) {
        if (payload.length < 2) {
            return "no code";
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        return code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    /** Writes raw bytes as they are (a frame built by the test). */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
