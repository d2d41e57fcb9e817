package dev.wsquota.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A page from another origin (a JDK HttpServer on its own port of localhost: the same site as wsquota, another
 * origin) whose script opens {@code new WebSocket(target)} as soon as it loads, the way a hostile page would try to
 * use a signed-in user's cookie, and writes what happened into its body's data attributes.
 */
final class OriginPage implements AutoCloseable {

    private final HttpServer server;
    private final int port;

    OriginPage(int port, String target) throws IOException {
        this.port = port;
        String html = """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>another origin</title>
                <link rel="icon" href="data:,"></head><body data-state="connecting"><p id="out">connecting</p>
                <script>
                const ws = new WebSocket('%s');
                ws.onmessage = (e) => { document.body.dataset.state = 'message'; document.body.dataset.frame = e.data;
                  document.getElementById('out').textContent = e.data; };
                ws.onclose = (e) => { document.body.dataset.state = 'closed'; document.body.dataset.code = e.code; };
                window.closeSocket = () => ws.close(1000, 'done');
                </script></body></html>
                """.formatted(target);
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The page's address as a browser's tab opens it (localhost: the site of wsquota's own page). */
    String url() {
        return "http://localhost:" + port + "/";
    }

    String origin() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
