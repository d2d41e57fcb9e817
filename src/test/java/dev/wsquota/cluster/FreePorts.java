package dev.wsquota.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free local ports for test members; distinct, because a port closed and asked for again may be handed out twice. */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free a moment ago: every socket stays open until all are chosen. */
    static int[] of(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    /** A member list of {@code count} loopback members on free ports ("127.0.0.1:port"). */
    static List<String> loopbackMembers(int count) throws IOException {
        List<String> members = new ArrayList<>();
        for (int port : of(count)) {
            members.add("127.0.0.1:" + port);
        }
        return members;
    }
}
