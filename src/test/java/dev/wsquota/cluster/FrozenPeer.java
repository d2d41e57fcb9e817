package dev.wsquota.cluster;

import com.hazelcast.core.Hazelcast;

import java.util.Arrays;
import java.util.List;

/**
 * A Hazelcast member in a JVM of its own, for {@link FrozenMemberTest} to freeze with {@code SIGSTOP}: a member in
 * the test's own JVM cannot be frozen alone. Arguments: cluster name, this member's port, lease seconds, min
 * members, then the member list.
 */
public final class FrozenPeer {

    private FrozenPeer() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> members = Arrays.asList(args).subList(4, args.length);
        ClusterSettings settings = new ClusterSettings(true, args[0], Integer.parseInt(args[1]), members,
                Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        Hazelcast.newHazelcastInstance(HazelcastMember.config(settings, FrozenPeer.class.getClassLoader()));
        System.out.println("member started");
        Thread.sleep(Long.MAX_VALUE); // until the test destroys this process
    }
}
