package dev.wsquota.it;

import dev.wsquota.ejb.UserMessages;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.quota.Delivery;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Isolation under churn: every user connects and closes in a loop while a sender targets users at random with the
 * target in the payload. Every message received names its own user, and a manager that stayed open gets every
 * message sent to its user, in order.
 */
@ExtendWith(ArquillianExtension.class)
class MessageIsolationIT {

    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");
    private static final Pattern DATA = Pattern.compile("\"data\":\"([a-z]+):(\\d+)\"");

    @Deployment
    static WebArchive deployment() {
        return Deployments.product("isolation").addClasses(WsClient.class, WsClient.Close.class, WsClient.Answer.class);
    }

    @Inject
    private UserMessages messages;

    @jakarta.ejb.EJB
    private dev.wsquota.ejb.ManagerFactory factory;

    @Test
    void everyMessageReachesOnlyItsUserAndNoneIsLostForAManagerThatStayed() throws Exception {
        Map<String, WsClient> stayers = new ConcurrentHashMap<>();
        for (String user : USERS) {
            WsClient stayer = WsClient.open(user);
            stayer.welcome();
            stayers.put(user, stayer);
        }
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(USERS.size() + 1);
        Map<String, List<Integer>> sent = new ConcurrentHashMap<>();
        int churned = 0;
        try {
            List<Future<Integer>> churners = new ArrayList<>();
            for (String user : USERS) {
                churners.add(pool.submit(() -> churn(user, sending, wrong)));
            }
            Future<?> sender = pool.submit(() -> {
                Random random = new Random(23);
                for (int seq = 0; seq < 600; seq++) {
                    String user = USERS.get(random.nextInt(USERS.size()));
                    Delivery delivery = messages.toUser(user, user + ":" + seq);
                    assertTrue(delivery.delivered() >= 1, "the stayer at least: " + delivery);
                    sent.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(seq);
                    Thread.sleep(4); // spread over a few seconds, so connections open and close all along
                }
                return null;
            });
            sender.get(120, TimeUnit.SECONDS);
            sending.set(false);
            for (Future<Integer> churner : churners) {
                churned += churner.get(120, TimeUnit.SECONDS);
            }
        } finally {
            sending.set(false);
            pool.shutdownNow();
        }
        for (String user : USERS) {
            WsClient stayer = stayers.get(user);
            List<Integer> got = new ArrayList<>();
            List<Integer> expected = sent.getOrDefault(user, List.of());
            while (got.size() < expected.size()) {
                String message = stayer.nextMessage(10_000);
                if (message == null) {
                    break;
                }
                Matcher data = DATA.matcher(message);
                assertTrue(data.find(), message);
                if (!data.group(1).equals(user)) {
                    wrong.add(user + " got " + message);
                }
                got.add(Integer.parseInt(data.group(2)));
            }
            assertEquals(expected, got, user + "'s stayer got every message to " + user + ", in order (its manager: "
                    + factory.operatorActions().list(user) + "; send failures "
                    + factory.messages().outboxes().counters().sendFailures() + ")");
            stayer.close();
        }
        assertEquals(List.of(), wrong, "no message reached another user");
        System.out.println("isolation under churn: " + churned + " connections opened and closed while 600 messages "
                + "went to " + USERS.size() + " users; sent per user " + sent.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().size()).toList());
        assertTrue(churned >= USERS.size(), "the churn ran: " + churned);
    }

    /** Opens and closes connections of the user until the sender stops; checks what each one received. */
    private static int churn(String user, AtomicBoolean sending, List<String> wrong) throws InterruptedException {
        int opened = 0;
        while (sending.get() && opened < 200) {
            WsClient client = WsClient.open(user);
            if (client.answer().admitted()) {
                opened++;
                Thread.sleep(20);
            }
            client.close();
            for (String message; (message = client.nextMessage(0)) != null; ) {
                Matcher data = DATA.matcher(message);
                if (!data.find() || !data.group(1).equals(user)) {
                    wrong.add(user + "'s churner got " + message);
                }
            }
        }
        return opened;
    }
}
