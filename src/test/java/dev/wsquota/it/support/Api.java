package dev.wsquota.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls of the HTTP API (/api) as a backend makes them: BASIC as a user, or anonymous when the user is null. */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Api() {
    }

    public static HttpResponse<String> post(String port, String path, String user, String contentType, byte[] body) {
        HttpRequest.Builder request = request(port, path, user).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    public static HttpResponse<String> post(String path, String user, String text) {
        return post(System.getProperty("httpPort"), path, user, "text/plain; charset=UTF-8",
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static HttpResponse<String> get(String port, String path, String user) {
        return send(request(port, path, user).GET().build());
    }

    public static HttpResponse<String> delete(String port, String path, String user) {
        return send(request(port, path, user).DELETE().build());
    }

    private static HttpRequest.Builder request(String port, String path, String user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, WsClient.PASSWORD));
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + request.uri(), e);
        }
    }

    /** A whole-number field of a JSON answer. */
    public static int field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return Integer.parseInt(matcher.group(1));
    }
}
