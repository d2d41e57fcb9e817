// Opens ws.count connections (default 1) as one user, prints what the server answers to each,
// sends a text on the first and prints the echo, then closes them all.
//   jshell -R-Dws.user=alice src/test/jshell/try-wsquota.jsh
//   jshell -R-Dws.user=alice -R-Dws.count=6 src/test/jshell/try-wsquota.jsh    (the 6th gets 1013)
// Options: -R-Dws.url=ws://localhost:9080/ws -R-Dws.password=wsquota
//          -R-Dws.hold=30   keeps the connections open 30 s before closing them (e.g. to fill a quota across cluster nodes)
//          -R-Dws.listen=60 keeps them open 60 s and prints every message the server pushes (README "Send a message")
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.*;
import java.util.concurrent.*;

String user = System.getProperty("ws.user", "alice");
String password = System.getProperty("ws.password", "wsquota");
URI url = URI.create(System.getProperty("ws.url", "ws://localhost:9080/ws"));
int count = Integer.getInteger("ws.count", 1);
HttpClient http = HttpClient.newHttpClient();
String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());

class Peer implements WebSocket.Listener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final StringBuilder text = new StringBuilder();
    WebSocket ws;
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
    // The server's first message (a welcome) or its close, whichever comes first.
    String answer() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.isEmpty() && !closed.isDone() && System.nanoTime() < deadline) Thread.sleep(10);
        String first = received.peek();
        return first != null ? "server: " + first : "closed by server: " + closed.getNow("no answer within 10 s");
    }
}

List<Peer> peers = new ArrayList<>();
for (int i = 1; i <= count; i++) {
    Peer peer = new Peer();
    peer.ws = http.newWebSocketBuilder().header("Authorization", basic).buildAsync(url, peer).join();
    peers.add(peer);
    System.out.println("#" + i + " " + peer.answer());
}
Peer first = peers.get(0);
if (!first.closed.isDone()) {
    first.received.poll();
    first.ws.sendText("hello from " + user, true).join();
    System.out.println("echo:   " + first.received.poll(10, TimeUnit.SECONDS));
}
int hold = Integer.getInteger("ws.hold", 0);
if (hold > 0) {
    System.out.println("holding the open connections for " + hold + " s");
    Thread.sleep(hold * 1000L);
}
int listen = Integer.getInteger("ws.listen", 0);
if (listen > 0) {
    System.out.println("listening " + listen + " s for messages to " + user);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(listen);
    while (System.nanoTime() < end) {
        for (int i = 0; i < peers.size(); i++) {
            String pushed = peers.get(i).received.poll();
            if (pushed != null) System.out.println("#" + (i + 1) + " server: " + pushed);
        }
        Thread.sleep(20);
    }
}
for (Peer peer : peers) {
    if (!peer.closed.isDone()) peer.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
}
System.out.println("closed: " + first.closed.get(10, TimeUnit.SECONDS));
/exit
