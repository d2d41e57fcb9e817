package dev.wsquota.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forward example of docs/inbound.md: a backend with nothing but the JDK that answers each client message with
 * its text in capitals, and refuses calls without the shared secret. A real backend parses the JSON with its own
 * library; the pattern here keeps the example dependency-free.
 */
// snippet:forward-backend
public final class UpperCaseBackend {

    private static final Pattern DATA = Pattern.compile("\"data\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static HttpServer start(int port, String secret) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/hook", exchange -> answer(exchange, secret));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, String secret) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher data = DATA.matcher(body);
        int status;
        byte[] reply = new byte[0];
        if (!secret.equals(exchange.getRequestHeaders().getFirst("X-Wsquota-Secret"))) {
            status = 403;
        } else if (data.find()) {
            status = 200; // the body goes back to the client that sent the message
            reply = data.group(1).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        } else {
            status = 204; // an opened or closed event: nothing to send back
        }
        exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
        exchange.getResponseBody().write(reply);
        exchange.close();
    }
}
// end:forward-backend
