package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.ManagerView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operations on a user's managers across two real members, each serving its own stand-in managers. */
@StartsHazelcastMembers
class RemoteNodesTest {

    private final List<HazelcastInstance> members = new ArrayList<>();
    private HazelcastLedger one;
    private HazelcastLedger two;
    private final Node nodeOne = new Node("one");
    private final Node nodeTwo = new Node("two");

    /** A node's managers: ids it holds, and what it was asked to do. */
    private static final class Node implements LocalManagers {
        final String name;
        final List<String> held = new CopyOnWriteArrayList<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        Node(String name) {
            this.name = name;
        }

        @Override
        public List<ManagerView> list(String user) {
            return held.stream().map(id -> new ManagerView(id, user, name, Long.parseLong(id.substring(1)), 0, 0, 0))
                    .toList();
        }

        @Override
        public int disconnect(String user) {
            int n = held.size();
            held.clear();
            return n;
        }

        @Override
        public ManagerView close(String managerId, boolean evicted) {
            asked.add((evicted ? "evict " : "close ") + managerId);
            return held.remove(managerId) ? new ManagerView(managerId, "alice", name, 0, 0, 0, 0) : null;
        }

        @Override
        public int probe(String user) {
            asked.add("probe " + user);
            return 1;
        }

        /** While set, a send on this node hangs until the latch opens: a member that does not answer. */
        volatile java.util.concurrent.CountDownLatch hang;

        @Override
        public Delivery sendToUser(String user, String text) {
            java.util.concurrent.CountDownLatch latch = hang;
            if (latch != null) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            asked.add("send " + user + " " + text);
            return held.isEmpty() ? Delivery.NONE : new Delivery(held.size(), 1, 0, 0);
        }

        @Override
        public Delivery sendToManager(String managerId, String text) {
            asked.add("send manager " + managerId);
            return held.contains(managerId) ? new Delivery(1, 1, 0, 0) : null;
        }

        @Override
        public Delivery sendToEveryone(String text) {
            asked.add("send everyone");
            return new Delivery(held.size(), held.isEmpty() ? 0 : 1, 0, 0);
        }
    }

    @BeforeEach
    void startTwoMembers() throws Exception {
        int[] ports = FreePorts.of(2);
        List<String> addresses = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        String name = "managers-" + System.nanoTime();
        for (String address : addresses) {
            ClusterSettings settings = new ClusterSettings(true, name,
                    Integer.parseInt(address.substring(address.indexOf(':') + 1)), addresses, 15, 1);
            members.add(Hazelcast.newHazelcastInstance(HazelcastMember.config(settings, getClass().getClassLoader())));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (members.get(0).getCluster().getMembers().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        ClusterSettings settings = new ClusterSettings(true, name, 5701, List.of("127.0.0.1:5701"), 15, 1);
        one = new HazelcastLedger(members.get(0), settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                System::currentTimeMillis);
        two = new HazelcastLedger(members.get(1), settings, ClusterEvents.NONE, ForkJoinPool.commonPool(),
                System::currentTimeMillis);
        one.managers().serve(nodeOne);
        two.managers().serve(nodeTwo);
    }

    @AfterEach
    void stop() {
        members.forEach(member -> member.getLifecycleService().terminate());
    }

    @Test
    void aMessageForAUserGoesOnlyToTheOtherMembersHoldingHerSlots() {
        assertTrue(two.claim("alice", "m2", 5).granted());
        nodeTwo.held.add("m2");
        assertEquals(new Delivery(1, 1, 0, 0), one.managers().sendToUser("alice", "hi"));
        assertEquals(List.of("send alice hi"), nodeTwo.asked);

        assertTrue(one.claim("carol", "m5", 5).granted()); // held by member one only: member two is not asked
        assertEquals(Delivery.NONE, one.managers().sendToUser("carol", "hi"));
        assertEquals(List.of("send alice hi"), nodeTwo.asked);
        assertEquals(List.of(), nodeOne.asked, "the local member is served by the caller itself");
    }

    @Test
    void aMemberThatDoesNotAnswerIsReportedUnreachableAndTheCallerGoesOn() {
        assertTrue(two.claim("dave", "m4", 5).granted());
        nodeTwo.held.add("m4");
        nodeTwo.hang = new java.util.concurrent.CountDownLatch(1);
        try {
            long start = System.nanoTime();
            Delivery sent = one.managers().sendToUser("dave", "hi");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(new Delivery(0, 0, 0, 1), sent);
            assertTrue(millis < RemoteNodes.SEND_WAIT_MILLIS + 5_000, "bounded by the send wait: " + millis
                    + " ms");
        } finally {
            nodeTwo.hang.countDown();
        }
    }

    @Test
    void aMessageForOneManagerOrEveryoneAsksTheOtherMembers() {
        nodeTwo.held.add("m9");
        assertEquals(new Delivery(1, 1, 0, 0), one.managers().sendToManager("m9", "x").orElseThrow());
        assertTrue(one.managers().sendToManager("m404", "x").isEmpty());
        assertEquals(new Delivery(1, 1, 0, 0), one.managers().sendToEveryone("all"));
        assertEquals(List.of("send manager m9", "send manager m404", "send everyone"), nodeTwo.asked);
    }

    @Test
    void listsByNode() {
        nodeOne.held.add("m1");
        nodeTwo.held.add("m2");
        assertEquals(2, one.managers().listByNode("alice").size());
    }

    @Test
    void listsAUsersManagersOnEveryMemberOldestFirst() {
        nodeOne.held.addAll(List.of("m3", "m1"));
        nodeTwo.held.add("m2");
        assertEquals(List.of("m1:one", "m2:two", "m3:one"), two.managers().list("alice").stream()
                .map(row -> row.managerId() + ":" + row.remoteAddress()).toList());
    }

    @Test
    void disconnectAndCloseReachTheMemberThatHoldsTheManager() {
        nodeOne.held.addAll(List.of("m1", "m2"));
        nodeTwo.held.add("m3");
        assertEquals("two", one.managers().close("m3").orElseThrow().remoteAddress(), "closed where it was held");
        assertTrue(one.managers().close("m3").isEmpty(), "already closed");
        assertEquals(List.of(), nodeTwo.held);
        assertEquals(2, two.managers().disconnect("alice"));
    }

    @Test
    void evictsTheOldestSlotOnItsOwnerAndProbesOnlyTheOtherMembers() {
        assertTrue(two.claim("bob", "m7", 5).granted()); // the oldest slot, held by member two
        assertTrue(one.claim("bob", "m8", 5).granted());
        nodeTwo.held.add("m7");
        assertTrue(one.managers().evictOldest("bob", 5_000));
        assertEquals(List.of("evict m7"), nodeTwo.asked);
        assertEquals(List.of(), nodeOne.asked);

        assertEquals(1, one.managers().probe("bob", 5_000));
        assertEquals(List.of("evict m7", "probe bob"), nodeTwo.asked);
        assertEquals(List.of(), nodeOne.asked, "the admitting node probes its own managers itself");
    }
}
