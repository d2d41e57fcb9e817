package dev.wsquota.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw-socket client of the fan-out step that reads (and answers pings) until told to stop, then reads nothing
 * at all, as a peer whose application hung would; told to resume, it reads to the server's close frame. Its own
 * reader thread, so stopping leaves the server's writes to fill the TCP buffers.
 */
final class RawPeer {

    private static final Pattern MANAGER_ID = Pattern.compile("\"managerId\":\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    final String user;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Object pause = new Object();
    private volatile boolean reading = true;
    private volatile String managerId;
    private final CompletableFuture<Boolean> welcomed = new CompletableFuture<>();
    /** The close code of the server's close frame; -1 when the connection ended without one. */
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private RawPeer(String user, Socket socket) throws IOException {
        this.user = user;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 65_536);
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code path} (e.g. /ws), upgrades with BASIC auth, and starts its reader thread. */
    static RawPeer open(int port, String user, String path) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
        socket.setTcpNoDelay(true);
        RawPeer peer = new RawPeer(user, socket);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: " + WsConn.basic(user, BenchServer.PASSWORD) + "\r\n\r\n";
        peer.out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        peer.out.flush();
        Thread reader = new Thread(peer::readLoop, "raw-peer-" + user);
        reader.setDaemon(true);
        reader.start();
        return peer;
    }

    CompletableFuture<Boolean> welcomed() {
        return welcomed;
    }

    CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    String managerId() {
        return managerId;
    }

    /** From the next frame on, reads nothing, answers no ping. */
    void stopReading() {
        reading = false;
    }

    void resumeReading() {
        synchronized (pause) {
            reading = true;
            pause.notifyAll();
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a bench client: nothing left to do with it
        }
    }

    private void readLoop() {
        try {
            String status = readHead();
            if (!status.contains(" 101 ")) {
                welcomed.complete(false);
                closeCode.complete(-1);
                return;
            }
            for (;;) {
                synchronized (pause) {
                    while (!reading) {
                        pause.wait();
                    }
                }
                int b0 = read();
                int b1 = read();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (long) read() << 8 | read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = length << 8 | read();
                    }
                }
                int opcode = b0 & 0x0F;
                byte[] payload = in.readNBytes((int) length);
                if (payload.length != length) {
                    throw new EOFException();
                }
                if (opcode == 0x8) {
                    closeCode.complete(payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005);
                    welcomed.complete(false);
                    return;
                } else if (opcode == 0x9) {
                    send(0xA, payload);
                } else if (opcode == 0x1) {
                    if (!welcomed.isDone()) {
                        Matcher m = MANAGER_ID.matcher(new String(payload, StandardCharsets.UTF_8));
                        managerId = m.find() ? m.group(1) : null;
                        welcomed.complete(managerId != null);
                    }
                }
            }
        } catch (IOException e) {
            welcomed.complete(false);
            closeCode.complete(-1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeCode.complete(-1);
        }
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) read());
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** A masked frame of at most 125 bytes (a pong or a close). */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }
}
