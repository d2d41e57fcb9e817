#!/usr/bin/env bash
# Hosts for the cluster-hosts scenarios: one network namespace per node on a private bridge, with its own
# address and a hosts file naming every node. Everything it creates starts with "wsqh" and lives on 10.77.0.0/24.
#   netns.sh probe        exit 0 if namespaces can be made here; else print one line and exit 77
#   netns.sh up N         create N hosts: namespace wsqhI, address 10.77.0.1I, name nodeI (I = 1..N);
#                         this host gets 10.77.0.1 on the bridge, so clients here reach every node
#   netns.sh cut I        take host I's link down (host I is cut off from every other host)
#   netns.sh heal I       bring host I's link up again
#   netns.sh down         remove every namespace, link, bridge and hosts file this script creates
set -euo pipefail

PREFIX=wsqh
BRIDGE=${PREFIX}br
SUBNET=10.77.0

addr() { echo "$SUBNET.1$1"; }

probe() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP cluster-hosts: network namespaces need root (ip netns add); running as uid $(id -u)"; exit 77
    fi
    if ! command -v ip >/dev/null; then
        echo "SKIP cluster-hosts: no 'ip' command (iproute2) on this machine"; exit 77
    fi
    if ! err=$(ip netns add ${PREFIX}probe 2>&1); then
        echo "SKIP cluster-hosts: 'ip netns add' is not permitted here: $err"; exit 77
    fi
    ip netns del ${PREFIX}probe
}

up() {
    local n=$1
    ip link add "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE" # this host reaches the nodes (clients of the Liberty scenario)
    ip link set "$BRIDGE" up
    for i in $(seq 1 "$n"); do
        ip netns add "$PREFIX$i"
        ip link add "${PREFIX}${i}a" type veth peer name "${PREFIX}${i}b"
        ip link set "${PREFIX}${i}a" master "$BRIDGE" up
        ip link set "${PREFIX}${i}b" netns "$PREFIX$i"
        ip -n "$PREFIX$i" addr add "$(addr "$i")/24" dev "${PREFIX}${i}b"
        ip -n "$PREFIX$i" link set "${PREFIX}${i}b" up
        ip -n "$PREFIX$i" link set lo up
        mkdir -p "/etc/netns/$PREFIX$i"
        {
            echo "127.0.0.1 localhost"
            for j in $(seq 1 "$n"); do echo "$(addr "$j") node$j"; done
        } > "/etc/netns/$PREFIX$i/hosts"
    done
}

down() {
    for ns in $(ip netns list | awk '{print $1}' | grep "^${PREFIX}[0-9]*$\|^${PREFIX}probe$" || true); do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" || true
        rm -rf "/etc/netns/$ns"
    done
    for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^${PREFIX}" || true); do
        ip link del "$link" 2>/dev/null || true
    done
    rmdir /etc/netns 2>/dev/null || true # only if empty: another tool's hosts files stay
}

case "${1:-}" in
    probe) probe ;;
    up) up "${2:?number of hosts}" ;;
    cut) ip link set "${PREFIX}${2:?host}a" down ;;
    heal) ip link set "${PREFIX}${2:?host}a" up ;;
    down) down ;;
    *) echo "usage: $0 probe|up N|cut I|heal I|down" >&2; exit 2 ;;
esac
