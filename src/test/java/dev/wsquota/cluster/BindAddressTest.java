package dev.wsquota.cluster;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindAddressTest {

    private static final List<String> PRODUCTION = List.of("10.0.0.11:5701", "10.0.0.12:5701", "10.0.0.13:5701");
    /** A hosts file of a StatefulSet: names of the pods to their addresses. */
    private static final Map<String, String> HOSTS = Map.of(
            "wsquota-0.wsquota-hz", "10.0.0.11", "wsquota-1.wsquota-hz", "10.0.0.12",
            "wsquota-2.wsquota-hz", "10.0.0.13", "localhost", "127.0.0.1");

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static List<InetAddress> resolve(String host) throws UnknownHostException {
        if (Character.isDigit(host.charAt(0))) {
            return List.of(ip(host));
        }
        String address = HOSTS.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return List.of(ip(address));
    }

    private static Set<InetAddress> host(String... addresses) {
        Set<InetAddress> local = new java.util.LinkedHashSet<>();
        local.add(ip("127.0.0.1"));
        for (String address : addresses) {
            local.add(ip(address));
        }
        return local;
    }

    private static ClusterSettings settings(List<String> members, int port, String address) {
        return new ClusterSettings(true, "wsquota", port, members, 15, 1, address);
    }

    @Test
    void everyHostOfTheProductionListBindsToItsOwnEntryNotTheFirst() {
        assertEquals("10.0.0.11", BindAddress.choose(settings(PRODUCTION, 5701, ""), BindAddressTest::resolve,
                host("10.0.0.11")));
        assertEquals("10.0.0.12", BindAddress.choose(settings(PRODUCTION, 5701, ""), BindAddressTest::resolve,
                host("10.0.0.12")));
        assertEquals("10.0.0.13", BindAddress.choose(settings(PRODUCTION, 5701, ""), BindAddressTest::resolve,
                host("10.0.0.13", "192.168.1.5")));
    }

    @Test
    void hostNamesResolveToThisHostsAddressAndOtherNamesNeedNotResolveYet() {
        List<String> names = List.of("wsquota-0.wsquota-hz:5701", "wsquota-1.wsquota-hz:5701",
                "wsquota-9.not-yet:5701");
        assertEquals("10.0.0.12", BindAddress.choose(settings(names, 5701, ""), BindAddressTest::resolve,
                host("10.0.0.12")));
    }

    @Test
    void aListWithoutThisHostStopsTheDeploymentNamingTheKeysAndAddresses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.choose(
                settings(PRODUCTION, 5701, ""), BindAddressTest::resolve, host("10.0.0.99")));
        assertTrue(e.getMessage().contains("wsquota.cluster.members has no entry for this host"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.99"), e.getMessage());
        assertTrue(e.getMessage().contains("wsquota.cluster.address"), e.getMessage());
    }

    @Test
    void anEntryOnAnotherPortIsNotThisMember() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.choose(
                settings(List.of("10.0.0.11:5702", "10.0.0.12:5701"), 5701, ""), BindAddressTest::resolve,
                host("10.0.0.11")));
        assertTrue(e.getMessage().contains("no entry for this host"), e.getMessage());
    }

    @Test
    void twoEntriesOfThisHostAreAmbiguous() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.choose(
                settings(List.of("10.0.0.11:5701", "192.168.1.5:5701"), 5701, ""), BindAddressTest::resolve,
                host("10.0.0.11", "192.168.1.5")));
        assertTrue(e.getMessage().contains("several entries"), e.getMessage());
    }

    @Test
    void loopbackListsWithOnePortPerMemberStillWork() {
        List<String> loopback = List.of("127.0.0.1:16751", "127.0.0.1:16752");
        assertEquals("127.0.0.1", BindAddress.choose(settings(loopback, 16752, ""), BindAddressTest::resolve,
                host()));
    }

    @Test
    void anExplicitAddressWinsAndIsResolved() {
        assertEquals("10.0.0.13", BindAddress.choose(settings(PRODUCTION, 5701, "wsquota-2.wsquota-hz"),
                BindAddressTest::resolve, host("10.0.0.11")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.choose(
                settings(PRODUCTION, 5701, "nowhere"), BindAddressTest::resolve, host()));
        assertTrue(e.getMessage().contains("wsquota.cluster.address 'nowhere' does not resolve"), e.getMessage());
    }

    @Test
    void anAddressWithAPortIsRefusedAtLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(PRODUCTION, 5701, "10.0.0.11:5701"));
        assertTrue(e.getMessage().contains("wsquota.cluster.address must be a host name or an IP address"));
    }

    @Test
    void theRealHostFindsItsLoopbackEntry() {
        assertEquals("127.0.0.1", BindAddress.of(settings(List.of("127.0.0.1:5701"), 5701, "")));
        assertTrue(BindAddress.localAddresses().contains(ip("127.0.0.1")));
    }
}
