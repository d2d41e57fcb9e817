// Connects to wsquota as one user, prints the welcome and an echo, then closes.
// jshell -R-Dws.user=alice -R-Dws.url=ws://localhost:9080/ws src/test/jshell/try-wsquota.jsh
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Base64;
import java.util.concurrent.*;

String user = System.getProperty("ws.user", "alice");
String password = System.getProperty("ws.password", "wsquota");
URI url = URI.create(System.getProperty("ws.url", "ws://localhost:9080/ws"));
BlockingQueue<String> received = new LinkedBlockingQueue<>();
CompletableFuture<String> closed = new CompletableFuture<>();

WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes()))
    .buildAsync(url, new WebSocket.Listener() {
        StringBuilder text = new StringBuilder();
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) { received.add(text.toString()); text.setLength(0); }
            w.request(1);
            return null;
        }
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }
    }).join();

String first = received.poll(10, TimeUnit.SECONDS);
if (first == null) {
    System.out.println("closed by server: " + closed.getNow("no answer within 10 s"));
} else {
    System.out.println("server: " + first);
    ws.sendText("hello from " + user, true).join();
    System.out.println("echo:   " + received.poll(10, TimeUnit.SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    System.out.println("closed: " + closed.get(10, TimeUnit.SECONDS));
}
/exit
