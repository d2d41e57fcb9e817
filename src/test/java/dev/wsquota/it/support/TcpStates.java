package dev.wsquota.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The kernel's view of one loopback TCP connection, from {@code ss} (Linux): whether the server still holds it. */
public final class TcpStates {

    private TcpStates() {
    }

    /**
     * Waits until the server's end of the connection (server port to the client's port) is no longer ESTABLISHED
     * (closed by the server: FIN-WAIT, gone); returns "gone after N ms (last state)" or "held (state)" on timeout.
     */
    public static String awaitServerSideGone(int serverPort, int clientPort, Duration timeout) throws Exception {
        long start = System.nanoTime();
        String state = state(serverPort, clientPort);
        while (state.equals("ESTAB")) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                return "held (" + state + " after " + timeout.toSeconds() + " s)";
            }
            Thread.sleep(100);
            state = state(serverPort, clientPort);
        }
        return "gone after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + state + ")";
    }

    /** The state of the server-side socket, e.g. ESTAB, FIN-WAIT-1, or "none". */
    public static String state(int serverPort, int clientPort) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tanH", "sport = :" + serverPort + " and dport = :" + clientPort)
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!ss.waitFor(10, TimeUnit.SECONDS)) {
            ss.destroyForcibly();
            throw new IOException("ss did not answer");
        }
        return out.isEmpty() ? "none" : out.split("\\s+")[0];
    }
}
