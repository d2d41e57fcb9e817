package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frozen member ({@code SIGSTOP}: its connections stay open, it answers nothing) must not make the healthy
 * members fence: their renewals may not wait on it for a lease. The frozen member runs in a JVM of its own.
 */
@StartsHazelcastMembers
class FrozenMemberTest {

    private static final int LEASE_SECONDS = 15;
    private static final int USERS = 60;
    /** Far above what idle output threads use in the window, far below what one spinning thread burns. */
    private static final long IO_CPU_BUDGET_MILLIS = 2_000;

    private final List<HazelcastInstance> started = new ArrayList<>();
    private Process peer;

    @AfterEach
    void shutDown() throws Exception {
        if (peer != null) {
            signal("CONT");
            peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        started.forEach(member -> member.getLifecycleService().terminate());
    }

    @Test
    void theHealthyMembersRenewAndNeverFenceWhileAPeerIsFrozenPastItsLease() throws Exception {
        List<String> addresses = FreePorts.loopbackMembers(3);
        String name = "frozen-" + System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), FrozenPeer.class.getName(), name,
                port(addresses.get(2)), Integer.toString(LEASE_SECONDS), "2"));
        command.addAll(addresses);
        peer = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "frozen-peer.log").toFile()).start();
        for (String address : addresses.subList(0, 2)) {
            started.add(Hazelcast.newHazelcastInstance(HazelcastMember.config(new ClusterSettings(true, name,
                    Integer.parseInt(port(address)), addresses, LEASE_SECONDS, 2), getClass().getClassLoader())));
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (started.get(0).getCluster().getMembers().size() < 3) {
            assertTrue(System.currentTimeMillis() < deadline, "three members within 60 s");
            Thread.sleep(100);
        }
        ClusterSettings settings = new ClusterSettings(true, name, 5701, addresses, LEASE_SECONDS, 2);
        HazelcastLedger a = new HazelcastLedger(started.get(0), settings, ClusterEvents.NONE,
                ForkJoinPool.commonPool(), System::currentTimeMillis);
        Map<String, Set<String>> held = new HashMap<>();
        for (int i = 0; i < USERS; i++) { // enough users that every member owns some of their partitions
            String user = "user" + i;
            assertTrue(a.claim(user, "m" + i, 5).granted());
            held.put(user, Set.of("m" + i));
        }
        LedgerHooks.renew(a, held);
        assertEquals(0, a.renewalFailures());

        long ioBefore = outputThreadsCpuNanos();
        signal("STOP");
        long frozenAt = System.currentTimeMillis();
        long longestWithoutRenewal = 0;
        while (System.currentTimeMillis() - frozenAt < (LEASE_SECONDS + 10) * 1000L) {
            assertFalse(a.tick(() -> held), "fenced " + (System.currentTimeMillis() - frozenAt)
                    + " ms after the peer froze, " + a.millisSinceRenewal() + " ms after its last renewal");
            longestWithoutRenewal = Math.max(longestWithoutRenewal, a.millisSinceRenewal());
            Thread.sleep(200);
        }
        long ioMillis = (outputThreadsCpuNanos() - ioBefore) / 1_000_000;
        System.out.println("a peer frozen " + (LEASE_SECONDS + 10) + " s (lease " + LEASE_SECONDS
                + " s): longest without a renewal " + longestWithoutRenewal + " ms, failed rounds "
                + a.renewalFailures() + ", members now " + started.get(0).getCluster().getMembers().size()
                + ", CPU of the two members' IO output threads meanwhile " + ioMillis + " ms");
        // A spinning output thread (a handshake with the frozen peer requeued forever) burns seconds here, and
        // starves every other connection on its thread of writes; idle ones take milliseconds.
        assertTrue(ioMillis < IO_CPU_BUDGET_MILLIS, "the IO output threads used " + ioMillis + " ms of CPU in "
                + (LEASE_SECONDS + 10) + " s");
        assertFalse(a.isFenced());
        assertEquals(2, started.get(0).getCluster().getMembers().size(), "the frozen peer was dropped");
        for (int i = 0; i < USERS; i++) {
            assertEquals(1, LedgerHooks.count(a, "user" + i), "user" + i + "'s slot survived the freeze");
        }
    }

    /** CPU time of this JVM's Hazelcast IO output threads ({@code hz.*.IO.thread-out-*}). */
    private static long outputThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(".IO.thread-out-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(peer.pid())).inheritIO().start().waitFor();
    }

    private static String port(String address) {
        return address.substring(address.indexOf(':') + 1);
    }
}
