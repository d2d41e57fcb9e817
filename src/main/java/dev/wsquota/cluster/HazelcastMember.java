package dev.wsquota.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Starts this node's embedded Hazelcast member: TCP-IP join on the configured list only, bound to the
 * configured address and port (no auto-increment, no multicast, no auto-detection, no phone-home), with a
 * heartbeat timeout of half a lease, so the others drop a silent member while they still hold a lease
 * (see {@link ClusterSettings#detectionSeconds}).
 */
final class HazelcastMember {

    private static final String SPLIT_BRAIN_PROTECTION = "wsquota-min-members";

    private HazelcastMember() {
    }

    static HazelcastInstance start(ClusterSettings settings, ClassLoader classLoader) {
        return Hazelcast.newHazelcastInstance(config(settings, classLoader));
    }

    static Config config(ClusterSettings settings, ClassLoader classLoader) {
        Config config = new Config();
        config.setClusterName(settings.name());
        config.setInstanceName("wsquota-" + settings.name() + "-" + settings.port());
        // The application's class loader: the entry processors and values live in the WAR, not on the server's path.
        config.setClassLoader(classLoader);
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the application shuts it down on undeploy
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(settings.detectionSeconds()));
        // Two members started at the same moment find each other in seconds, and a split heals in seconds too.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        // An admission waits at most this long for its partition owner, never the default minute.
        config.setProperty("hazelcast.operation.call.timeout.millis", "5000");
        config.setProperty("hazelcast.local.localAddress", BindAddress.of(settings));

        // The advanced network, with one member endpoint: its connection handshake waits (BLOCKED) for a peer that
        // does not answer. The plain network's handshake returns CLEAN and requeues itself forever when a frozen
        // peer's kernel accepts a connection, so the IO thread spins and never selects; a healthy member whose
        // connection shares that thread stops sending heartbeats, and the healthy members split (docs/cluster.md).
        AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
        network.setMemberEndpointConfig(new ServerSocketEndpointConfig().setPort(settings.port())
                .setPortAutoIncrement(false));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());

        MapConfig slots = new MapConfig(HazelcastLedger.SLOTS_MAP).setBackupCount(1).setAsyncBackupCount(0);
        MapConfig overrides = new MapConfig(HazelcastLedger.OVERRIDES_MAP).setBackupCount(1);
        if (settings.minMembers() > 1) {
            config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(SPLIT_BRAIN_PROTECTION, true,
                    settings.minMembers()));
            slots.setSplitBrainProtectionName(SPLIT_BRAIN_PROTECTION);
        }
        config.addMapConfig(slots);
        config.addMapConfig(overrides);
        return config;
    }
}
