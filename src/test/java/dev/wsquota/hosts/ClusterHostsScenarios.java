package dev.wsquota.hosts;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster on real hosts: each node in its own network namespace with its own address, the same member port
 * on every node and the production-shaped member list, cut off, split, paused and killed under load from every
 * node, each history checked against the quota. Run with {@code ./mvnw verify -Pcluster-hosts} (as root); where
 * namespaces cannot be made, every scenario is skipped with the reason, never passed. Tables go to
 * {@code target/cluster-hosts/RESULTS.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterHostsScenarios {

    static final int QUOTA = 5;
    static final int LEASE = 15;
    static final int PORT = 5701;
    /** Per node: user, clients, shortest and longest hold (ms); alice's 3 clients on each node press her quota. */
    static final String CLIENTS = "alice:3:1000:4000,bob:2:1000:4000";
    /** Alice holds for longer than the split lasts, so only the cluster-wide enforcement can end her excess. */
    static final String LONG_HOLDS = "alice:5:45000:60000,bob:2:1000:4000";
    static final Path OUT = Path.of("target/cluster-hosts");
    static final String IP_LIST = "10.77.0.11:5701,10.77.0.12:5701,10.77.0.13:5701";
    static final String NAME_LIST = "node1:5701,node2:5701,node3:5701";

    @BeforeAll
    static void hostsCanBeMade() throws Exception {
        String why = Hosts.probe();
        if (why != null) {
            System.out.println(why);
        }
        Assumptions.assumeTrue(why == null, why);
        Files.createDirectories(OUT);
        Files.deleteIfExists(OUT.resolve("RESULTS.md")); // the tables of this run only
    }

    private static List<String> args(String members, int min, int seconds) {
        return args(members, min, seconds, CLIENTS);
    }

    private static List<String> args(String members, int min, int seconds, String clients) {
        return List.of("members=" + members, "port=" + PORT, "lease=" + LEASE, "min=" + min, "quota=" + QUOTA,
                "clients=" + clients, "seconds=" + seconds);
    }

    private static String ipList(int nodes) {
        return String.join(",", List.of(IP_LIST.split(",")).subList(0, nodes));
    }

    /** Waits until every node's member sees {@code count} members; false after {@code seconds}. */
    private static boolean awaitCluster(Hosts hosts, int count, long seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000;
        while (System.currentTimeMillis() < deadline) {
            List<HistoryChecker.Event> events = HistoryChecker.parse(hosts.history());
            boolean all = true;
            for (int i = 1; i <= count; i++) {
                String node = "node" + i;
                int seen = 0;
                for (HistoryChecker.Event e : events) {
                    if (e.node().equals(node) && e.type().equals("JOINED")) {
                        seen = Math.max(seen, e.detail().split(",").length);
                    }
                    if (e.node().equals(node) && e.type().equals("MEMBER-JOINED")) {
                        seen = Math.max(seen, Integer.parseInt(e.detail().replaceAll(".* size ", "")));
                    }
                }
                all &= seen >= count;
            }
            if (all) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static Optional<HistoryChecker.Event> first(List<HistoryChecker.Event> events, long after,
                                                        Predicate<HistoryChecker.Event> match) {
        return events.stream().filter(e -> e.at() >= after).filter(match).findFirst();
    }

    private static Predicate<HistoryChecker.Event> is(String node, String type) {
        return e -> e.node().equals(node) && e.type().equals(type);
    }

    private static String ms(Optional<HistoryChecker.Event> event, long from) {
        return event.map(e -> (e.at() - from) + " ms").orElse("never");
    }

    /** Each STALL a node recorded after {@code from}: node, length, and when it ended relative to {@code from}. */
    private static String stalls(List<HistoryChecker.Event> events, long from) {
        List<String> seen = events.stream().filter(e -> e.at() >= from && e.type().equals("STALL"))
                .map(e -> e.node() + " " + e.detail() + " ending " + (e.at() - from) + " ms").toList();
        return seen.isEmpty() ? "none" : String.join("; ", seen);
    }

    private static long count(List<HistoryChecker.Event> events, Predicate<HistoryChecker.Event> match) {
        return events.stream().filter(match).count();
    }

    private static void report(String text) throws IOException {
        System.out.println(text);
        Files.writeString(OUT.resolve("RESULTS.md"), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static long at(List<HistoryChecker.Event> events, String type, String detail) {
        return first(events, 0, e -> e.node().equals("harness") && e.type().equals(type)
                && e.detail().equals(detail)).orElseThrow().at();
    }

    @Test
    @Order(1)
    void isolateOneOfThreeWithMinMembersTwo() throws Exception {
        try (Hosts hosts = Hosts.up(OUT.resolve("isolate"), 3)) {
            for (int i = 1; i <= 3; i++) {
                hosts.start(i, args(NAME_LIST, 2, 80)); // host names, resolved through each namespace's hosts file
            }
            assertTrue(awaitCluster(hosts, 3, 90), "three members in three namespaces formed one cluster");
            Thread.sleep(15_000);
            hosts.cut(3);
            Thread.sleep(30_000);
            hosts.heal(3);
            assertTrue(hosts.awaitExit(150), "every node finished its load and left");
            List<HistoryChecker.Event> events = HistoryChecker.parse(hosts.history());
            long cut = at(events, "CUT", "node3");
            long heal = at(events, "HEAL", "node3");
            Map<String, HistoryChecker.UserResult> results = HistoryChecker.check(events, QUOTA, 0, Long.MAX_VALUE);
            report(HistoryChecker.table("3 nodes, min-members 2, node3 cut off for 30 s (host names)", results, QUOTA)
                    + "\n- node3 fenced " + ms(first(events, cut, is("node3", "FENCED")), cut) + " after the cut; "
                    + "its last connection closed by the fence at " + ms(first(events, cut,
                    e -> e.node().equals("node3") && e.type().equals("FENCE-CLOSED")), cut)
                    + "\n- the majority freed node3's slots " + ms(first(events, cut, e -> e.type().equals(
                    "MEMBER-LEFT") && !e.detail().endsWith("purged -1") && e.detail().startsWith(Hosts.address(3))),
                    cut) + " after the cut"
                    + "\n- fences on node1/node2 (the majority): " + count(events, e -> e.type().equals("FENCED")
                    && !e.node().equals("node3"))
                    + "\n- stalls (a node's own 100 ms ticks late by more than " + HostMember.STALL_MILLIS
                    + " ms), from the cut: " + stalls(events, cut)
                    + "\n- node3 welcomed again " + ms(first(events, heal, is("node3", "WELCOME")), heal)
                    + " after the heal\n");
            for (HistoryChecker.UserResult r : results.values()) {
                assertEquals(0, r.worstExcess(), r.user() + " was above the quota: " + r);
            }
            assertEquals(0, count(events, e -> e.type().equals("FENCED") && !e.node().equals("node3")),
                    "the majority must not fence itself");
            assertTrue(first(events, cut, is("node3", "FENCED")).isPresent(), "the isolated node fences");
            assertTrue(first(events, cut + 15_000, e -> e.type().equals("WELCOME") && !e.node().equals("node3"))
                    .isPresent(), "the majority goes on admitting");
        }
    }

    @Test
    @Order(2)
    void splitTwoWithMinMembersOneThenHeal() throws Exception {
        try (Hosts hosts = Hosts.up(OUT.resolve("split"), 2)) {
            for (int i = 1; i <= 2; i++) {
                hosts.start(i, args(ipList(2), 1, 85, LONG_HOLDS));
            }
            assertTrue(awaitCluster(hosts, 2, 90), "two members formed one cluster");
            Thread.sleep(10_000);
            hosts.cut(2);
            Thread.sleep(30_000);
            hosts.heal(2);
            assertTrue(hosts.awaitExit(150), "every node finished its load and left");
            List<HistoryChecker.Event> events = HistoryChecker.parse(hosts.history());
            long cut = at(events, "CUT", "node2");
            long heal = at(events, "HEAL", "node2");
            long end = events.get(events.size() - 1).at();
            Map<String, HistoryChecker.UserResult> split = HistoryChecker.check(events, QUOTA, cut, heal);
            Optional<HistoryChecker.Event> merged = first(events, heal, e -> e.type().equals("ENFORCED"));
            long settled = merged.map(e -> e.at() + 1_000).orElse(end);
            Map<String, HistoryChecker.UserResult> afterHeal = HistoryChecker.check(events, QUOTA, heal, end);
            Map<String, HistoryChecker.UserResult> settledAfter = HistoryChecker.check(events, QUOTA, settled, end);
            report(HistoryChecker.table("2 nodes, min-members 1, split for 30 s: while split", split, QUOTA)
                    + "\n" + HistoryChecker.table("same run: from the heal to the end", afterHeal, QUOTA)
                    + "\n" + HistoryChecker.table("same run: from 1 s after the cluster-wide enforcement (two "
                    + "renewal rounds after the merge) to the end", settledAfter, QUOTA)
                    + "\n- enforced " + ms(merged, heal) + " after the heal: "
                    + merged.map(HistoryChecker.Event::detail).orElse("") + "; fences: "
                            + count(events, e -> e.type().equals("FENCED")) + "\n");
            for (HistoryChecker.UserResult r : split.values()) {
                assertTrue(r.worstOpen() <= 2 * QUOTA, "at most quota x sides while split: " + r);
            }
            assertTrue(merged.isPresent(), "the split healed into one cluster and the merged member enforced");
            for (HistoryChecker.UserResult r : settledAfter.values()) {
                assertEquals(0, r.worstExcess(), "back to the quota after the heal: " + r);
            }
        }
    }

    @Test
    @Order(3)
    void pauseOneOfThreePastTheLease() throws Exception {
        try (Hosts hosts = Hosts.up(OUT.resolve("pause"), 3)) {
            for (int i = 1; i <= 3; i++) {
                hosts.start(i, args(ipList(3), 2, 70));
            }
            assertTrue(awaitCluster(hosts, 3, 90), "three members formed one cluster");
            Thread.sleep(10_000);
            hosts.pause(3);
            long paused = System.currentTimeMillis();
            for (int second : new int[] {4, 8, 10, 12}) { // around the detection (L/2 = 7 s) and the lease
                Thread.sleep(Math.max(0, paused + second * 1000L - System.currentTimeMillis()));
                hosts.threadDumps(second + "s", 3);
            }
            Thread.sleep(Math.max(0, paused + (LEASE + 5) * 1000L - System.currentTimeMillis()));
            hosts.resume(3);
            assertTrue(hosts.awaitExit(150), "every node finished its load and left");
            List<HistoryChecker.Event> events = HistoryChecker.parse(hosts.history());
            long stop = at(events, "STOP", "node3");
            long cont = at(events, "CONT", "node3");
            long end = events.get(events.size() - 1).at();
            Map<String, HistoryChecker.UserResult> whole = HistoryChecker.check(events, QUOTA, 0, Long.MAX_VALUE);
            Map<String, HistoryChecker.UserResult> afterResume = HistoryChecker.check(events, QUOTA, cont + 2_000,
                    end);
            report(HistoryChecker.table("3 nodes, min-members 2, node3 paused (SIGSTOP) 20 s: whole run, node3's "
                    + "connections counted open while it was frozen", whole, QUOTA)
                    + "\n" + HistoryChecker.table("same run: from 2 s after SIGCONT to the end", afterResume, QUOTA)
                    + "\n- node3 fenced " + ms(first(events, cont, is("node3", "FENCED")), cont) + " after SIGCONT"
                    + "\n- the others freed node3's slots " + ms(first(events, stop, e -> e.type().equals(
                    "MEMBER-LEFT") && !e.detail().endsWith("purged -1") && e.detail().startsWith(Hosts.address(3))),
                    stop) + " after SIGSTOP"
                    + "\n- fences on node1/node2: " + count(events, e -> e.type().equals("FENCED")
                    && !e.node().equals("node3")) + first(events, stop, e -> e.type().equals("FENCED")
                    && !e.node().equals("node3")).map(e -> " (first: " + e.node() + " " + (e.at() - stop)
                    + " ms after SIGSTOP: " + e.detail() + ")").orElse("")
                    + "\n- stalls (a node's own 100 ms ticks late by more than " + HostMember.STALL_MILLIS
                    + " ms), from SIGSTOP: " + stalls(events, stop)
                    + "\n- node3 welcomed again " + ms(first(events, cont, is("node3", "WELCOME")), cont)
                    + " after SIGCONT\n");
            assertTrue(first(events, cont, is("node3", "FENCED")).isPresent(), "the resumed node fences");
            for (HistoryChecker.UserResult r : afterResume.values()) {
                assertEquals(0, r.worstExcess(), "no excess once the resumed node fenced: " + r);
            }
            assertEquals(0, count(events, e -> e.type().equals("FENCED") && !e.node().equals("node3")),
                    "the others must not fence themselves");
        }
    }

    @Test
    @Order(4)
    void killOneOfThreeAndRestartItOnItsAddress() throws Exception {
        try (Hosts hosts = Hosts.up(OUT.resolve("kill"), 3)) {
            for (int i = 1; i <= 3; i++) {
                hosts.start(i, args(ipList(3), 2, 65));
            }
            assertTrue(awaitCluster(hosts, 3, 90), "three members formed one cluster");
            Thread.sleep(10_000);
            hosts.kill(3);
            Thread.sleep(5_000);
            hosts.start(3, args(ipList(3), 2, 35));
            assertTrue(hosts.awaitExit(150), "every node finished its load and left");
            List<HistoryChecker.Event> events = HistoryChecker.parse(hosts.history());
            long kill = at(events, "KILL", "node3");
            long restart = first(events, kill, e -> e.node().equals("harness") && e.type().equals("START"))
                    .orElseThrow().at();
            Map<String, HistoryChecker.UserResult> results = HistoryChecker.check(events, QUOTA, 0, Long.MAX_VALUE);
            Optional<HistoryChecker.Event> freed = first(events, kill, e -> e.type().equals("MEMBER-LEFT")
                    && !e.detail().endsWith("purged -1") && e.detail().startsWith(Hosts.address(3)));
            Optional<HistoryChecker.Event> rejoined = first(events, restart, is("node3", "JOINED"));
            Map<String, HistoryChecker.UserResult> fromKill = HistoryChecker.check(events, QUOTA, kill,
                    Long.MAX_VALUE);
            report(HistoryChecker.table("3 nodes, min-members 2, node3 killed (kill -9) and restarted 5 s later: "
                    + "whole run, from the cluster's formation", results, QUOTA)
                    + "\n" + HistoryChecker.table("same run: from the kill to the end", fromKill, QUOTA)
                    + "\n- the others freed node3's slots " + ms(freed, kill) + " after the kill: "
                    + freed.map(HistoryChecker.Event::detail).orElse("")
                    + "\n- node3 joined again " + ms(rejoined, restart) + " after its restart ("
                    + rejoined.map(HistoryChecker.Event::detail).orElse("") + "), welcomed again "
                    + ms(first(events, restart, is("node3", "WELCOME")), restart) + " after it"
                    + "\n- fences: " + count(events, e -> e.type().equals("FENCED")) + "\n");
            for (HistoryChecker.UserResult r : results.values()) {
                assertEquals(0, r.worstExcess(), r.user() + " was above the quota: " + r);
            }
            assertTrue(freed.isPresent(), "the others free a killed node's slots");
            assertTrue(rejoined.isPresent() && rejoined.get().detail().split(",").length == 3,
                    "the restarted node joins the same cluster of three");
            assertTrue(first(events, restart, is("node3", "WELCOME")).isPresent(), "and admits again");
        }
    }

    /**
     * One end-to-end run on the real product: three Liberty servers, one per namespace, each started with the
     * runtime's {@code bin/server run} on the same HTTP port and member port, with the production-shaped member
     * list; alice opens 3 connections on each node and exactly her quota is welcomed across the three.
     */
    @Test
    @Order(5)
    void threeLibertyNodesInThreeNamespacesHoldOneQuota() throws Exception {
        Path wlp = Path.of("target/liberty/wlp");
        Path war = Path.of("target/wsquota.war");
        Assumptions.assumeTrue(Files.isDirectory(wlp.resolve("lib")) && Files.isRegularFile(war),
                "needs the Liberty runtime and the WAR: run ./mvnw verify -Pcluster-hosts");
        Path dir = OUT.resolve("liberty");
        try (Hosts hosts = Hosts.up(dir, 3)) {
            for (int i = 1; i <= 3; i++) {
                hosts.startLiberty(i, wlp, LibertyNode.layOut(dir.resolve("node" + i), war, IP_LIST, 2, QUOTA));
            }
            long started = System.currentTimeMillis();
            List<String> ready = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                assertTrue(LibertyNode.awaitReady(Hosts.address(i), 3, 300), "node" + i + " ready with 3 members "
                        + "within 300 s; see " + dir.resolve("node" + i + ".log"));
                ready.add("node" + i + " at " + (System.currentTimeMillis() - started) + " ms");
            }
            List<dev.wsquota.it.support.WsClient> clients = new ArrayList<>();
            int welcomed = 0;
            int refused = 0;
            List<String> answers = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    for (int n = 0; n < 3; n++) {
                        dev.wsquota.it.support.WsClient client = dev.wsquota.it.support.WsClient.open(
                                java.net.URI.create("ws://" + Hosts.address(i) + ":9080/ws"), "alice");
                        clients.add(client);
                        dev.wsquota.it.support.WsClient.Answer answer = client.answer();
                        if (answer.admitted()) {
                            welcomed++;
                            answers.add("node" + i + ": welcome active " + client.welcomeField("active"));
                        } else {
                            refused++;
                            answers.add("node" + i + ": " + answer.close().code() + " " + answer.close().reason());
                            assertEquals(1013, answer.close().code(), answer.close().toString());
                        }
                    }
                }
            } finally {
                dev.wsquota.it.support.WsClient.closeAll(clients);
            }
            List<String> joined = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                joined.add(LibertyNode.joinedLine(dir.resolve("node" + i)));
            }
            report("### 3 Liberty nodes, one per namespace, member list " + IP_LIST + ", min-members 2, quota "
                    + QUOTA + "\n\n- ready (3 members): " + ready + "\n- " + String.join("\n- ", joined)
                    + "\n- alice, 3 connections to each node in turn: " + welcomed + " welcomed, " + refused
                    + " refused\n  - " + String.join("\n  - ", answers) + "\n");
            assertEquals(QUOTA, welcomed, "one quota across the three nodes");
            assertEquals(9 - QUOTA, refused);
            for (int i = 1; i <= 3; i++) {
                assertTrue(joined.get(i - 1).contains(" as " + Hosts.address(i) + ":5701"),
                        "node" + i + " bound its own entry: " + joined.get(i - 1));
            }
        }
    }
}
