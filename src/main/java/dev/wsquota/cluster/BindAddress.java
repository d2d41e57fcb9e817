package dev.wsquota.cluster;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which address this member binds to and advertises. Every node gets the same member list
 * ({@code 10.0.0.11:5701,10.0.0.12:5701,...}, or StatefulSet host names), so the own entry is the one whose host
 * resolves to an address of this host's interfaces; an explicit {@code wsquota.cluster.address} wins. A list
 * without an entry for this host stops the deployment: a member that guessed would advertise another node's
 * address.
 */
public final class BindAddress {

    /** Resolves a host name or IP literal to its addresses. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    private BindAddress() {
    }

    /** This member's address as an IP literal, from the real interfaces and name service of this host. */
    public static String of(ClusterSettings settings) {
        return choose(settings, host -> List.of(InetAddress.getAllByName(host)), localAddresses());
    }

    /** This member's address as an IP literal; {@code local} holds the addresses of this host's interfaces. */
    static String choose(ClusterSettings settings, Resolver resolver, Set<InetAddress> local) {
        if (!settings.address().isEmpty()) {
            return resolveOne(ClusterSettings.ADDRESS, settings.address(), resolver).getHostAddress();
        }
        List<String> unresolved = new ArrayList<>();
        Map<String, InetAddress> matches = new LinkedHashMap<>();
        for (String host : settings.hostsOnThisPort()) {
            try {
                resolver.resolve(host).stream().filter(local::contains).findFirst()
                        .ifPresent(address -> matches.put(host, address));
            } catch (UnknownHostException e) {
                unresolved.add(host); // another node's name may not resolve yet; only this host's entry must
            }
        }
        if (matches.size() == 1) {
            return matches.values().iterator().next().getHostAddress();
        }
        String entries = settings.hostsOnThisPort().isEmpty() ? "no entry has this member's port " + settings.port()
                : "entries with port " + settings.port() + ": " + settings.hostsOnThisPort()
                + (unresolved.isEmpty() ? "" : ", unresolved: " + unresolved);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException(ClusterSettings.MEMBERS + " has no entry for this host (" + entries
                    + "; this host's addresses: " + local + "); list this host as host:" + settings.port()
                    + " or set " + ClusterSettings.ADDRESS);
        }
        throw new IllegalArgumentException(ClusterSettings.MEMBERS + " has several entries for this host ("
                + matches.keySet() + " from " + entries + "); set " + ClusterSettings.ADDRESS + " to the one to use");
    }

    private static InetAddress resolveOne(String key, String host, Resolver resolver) {
        try {
            List<InetAddress> addresses = resolver.resolve(host);
            if (!addresses.isEmpty()) {
                return addresses.get(0);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + " '" + host + "' does not resolve: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(key + " '" + host + "' does not resolve to any address");
    }

    /** The addresses of this host's interfaces (loopback included), as the kernel lists them now. */
    static Set<InetAddress> localAddresses() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this host's network interfaces to find its entry in "
                    + ClusterSettings.MEMBERS + "; set " + ClusterSettings.ADDRESS, e);
        }
        return addresses;
    }
}
