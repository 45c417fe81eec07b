#!/usr/bin/env bash
# Linux network namespaces standing in for the hosts of a multi-host topology (network.json's
# "hosts"), on one machine: a bridge (topology "bridge": name, address, prefixLength) in the root
# namespace and, per host, a namespace <netns> with a veth link whose host side <link> is on the
# bridge and whose namespace side (eth0) carries the host's address. Only the addresses the
# topology names are used. Everything made is recorded in <run dir>/netns.made, which `down`
# reads to remove exactly that.
#   netns.sh up             create the bridge and every host's namespace (refuses when one exists)
#   netns.sh down           remove every namespace and link recorded in netns.made
#   netns.sh partition H S  take host H's link down for S seconds, then up again
#   netns.sh exec H CMD...  run CMD inside host H's namespace
# Needs root (ip netns / ip link).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
made="$run_dir/netns.made"

require_root() {
  [ "$(id -u)" -eq 0 ] || die "the multi-host topology needs root: it creates network namespaces, a bridge and veth links (ip netns/ip link). Run as root, or use the single-host topology (test-network-config/topology.json)"
  command -v ip >/dev/null 2>&1 || die "ip (iproute2) not found; install it (apt-get install iproute2)"
}

case "${1:-}" in
  up)
    require_root
    [ "$(nj .multiHost)" = "true" ] || die "netns: $net_json is not a multi-host topology"
    bridge="$(nj .bridge.name)"; bridge_address="$(nj .bridge.address)"; prefix="$(nj .bridge.prefixLength)"
    [ "$bridge" != "null" ] || die "netns: the topology has no \"bridge\" (name, address, prefixLength)"
    ip link show "$bridge" >/dev/null 2>&1 && die "netns: bridge $bridge exists already (another multi-host network is up? stop it with npm run network:down)"
    mkdir -p "$run_dir"
    : >"$made"
    ip link add "$bridge" type bridge && echo "link $bridge" >>"$made"
    ip addr add "$bridge_address/$prefix" dev "$bridge"
    ip link set "$bridge" up
    while IFS=$'\t' read -r host address ns link; do
      ip netns list | grep -qw "$ns" && die "netns: namespace $ns exists already"
      ip netns add "$ns" && echo "netns $ns" >>"$made"
      ip link add "$link" type veth peer name "${link}p" && echo "link $link" >>"$made"
      ip link set "${link}p" netns "$ns"
      ip link set "$link" master "$bridge"
      ip link set "$link" up
      ip -n "$ns" link set "${link}p" name eth0
      ip -n "$ns" addr add "$address/$prefix" dev eth0
      ip -n "$ns" link set eth0 up
      ip -n "$ns" link set lo up
      ip -n "$ns" route add default via "$bridge_address"
      log "host $host: namespace $ns, $address/$prefix on $bridge (link $link)"
    done < <(nj '.hosts[] | [.name, .address, .netns, .link] | @tsv')
    ;;
  down)
    [ -f "$made" ] || exit 0
    require_root
    # Namespaces first (their veth ends go with them), then the links and the bridge.
    while read -r kind name; do
      [ "$kind" = netns ] && ip netns del "$name" 2>/dev/null && log "removed namespace $name"
    done <"$made"
    while read -r kind name; do
      [ "$kind" = link ] && ip link show "$name" >/dev/null 2>&1 && ip link del "$name" && log "removed link $name"
    done < <(tac "$made")
    rm -f "$made"
    ;;
  partition)
    require_root
    link="$(nj '.hosts[] | select(.name == $h) | .link' --arg h "${2:?host}")"
    [ -n "$link" ] || die "netns: no host ${2} in $net_json"
    ip link set "$link" down
    log "host $2: link $link down for ${3:?seconds} s"
    sleep "$3"
    ip link set "$link" up
    log "host $2: link $link up"
    ;;
  exec)
    ns="$(nj '.hosts[] | select(.name == $h) | .netns' --arg h "${2:?host}")"
    [ -n "$ns" ] && [ "$ns" != null ] || die "netns: no namespace for host $2"
    shift 2
    exec ip netns exec "$ns" "$@"
    ;;
  *) die "usage: netns.sh up|down|partition HOST SECONDS|exec HOST CMD..." ;;
esac
