#!/usr/bin/env bash
# Starts the test network: generates configuration (test-network-config/generate.sh), starts the
# 4 BFT orderers and one peer per peer org as background processes, waits on each /healthz,
# joins every orderer (osnadmin) and every member peer (peer channel join) to every channel.
# Refuses to run while a network started from this run directory is up. On any failure it
# stops what it started, removes the run state, and names the failing node and its log.
# Stop with: npm run network:down
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_network up
topology="${CARBONTRACE_TOPOLOGY:-$root/test-network-config/topology.json}"
while [ $# -gt 0 ]; do
  case "$1" in
    --topology) topology="$2"; shift 2 ;;
    *) die "up: unknown argument $1 (usage: up.sh [--topology FILE])" ;;
  esac
done
if [ "$(jq -r '(.hosts // []) | length > 0' "$topology" 2>/dev/null)" = "true" ] && [ "$(id -u)" -ne 0 ]; then
  die "the topology $topology places nodes on several hosts; simulating them needs root (network namespaces, a bridge, veth links). Run as root, or use test-network-config/topology.json"
fi
require_tools jq curl peer orderer osnadmin configtxgen cryptogen

[ -f "$run_dir/compose-mode" ] && die "the compose network is up; stop it with: bash network/scripts/compose.sh down"
running="$(running_names | tr '\n' ' ')"
if [ -n "$running" ]; then
  die "the network is already running (processes: $running). Use it as is, or stop it first with: npm run network:down"
fi

started_ok=0
cleanup_on_failure() {
  if [ "$started_ok" -ne 1 ]; then
    log "start-up failed; stopping what was started (logs kept in $log_dir until the next up)"
    KEEP_LOGS=1 bash "$root/network/scripts/down.sh" >/dev/null 2>&1 || true
  fi
}
trap cleanup_on_failure EXIT

t0=$(date +%s%N)
rm -rf "$config_dir" "$run_dir/nodes" "$pid_dir" "$log_dir" "$run_dir/chaincode"
mkdir -p "$log_dir" "$pid_dir" "$run_dir/nodes"
bash "$root/test-network-config/generate.sh" --topology "$topology" \
  --out "$config_dir" 2>"$log_dir/generate.log" \
  || { cat "$log_dir/generate.log" >&2; die "configuration generation failed (log: $log_dir/generate.log)"; }

# --- ports: refuse early, naming the node, when one of ours is taken (single host; a multi-host
#     network's namespaces are new, so their addresses are free) ----------------------------------
[ "$(nj .multiHost)" = "true" ] || while IFS=$'\t' read -r node what address; do
  if (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null; then
    die "port ${address##*:} ($node $what, $address) is already in use by another program; free it or change basePort in test-network-config/topology.json"
  fi
done < <(nj '(.orderers[] | [.name, "listen", .address], [.name, "admin", .adminAddress], [.name, "operations", .operationsAddress]),
             (.orgs[] | select(.peer != null) | .peer | [.name, "listen", .address], [.name, "chaincode", .chaincodeAddress], [.name, "operations", .operationsAddress]),
             (.orgs[].chaincodeServers[] | [.name, "server", .address]) | @tsv')

# --- orderers and peers ------------------------------------------------------------------------
source "$root/network/scripts/node-env.sh"
if [ "$(nj .multiHost)" = "true" ]; then
  # One network namespace per host; each host's nodes start from its own bundle, inside it.
  bash "$root/network/scripts/netns.sh" up
  for host in $(nj '.hosts[].name'); do
    ip netns exec "$(nj '.hosts[] | select(.name == $h) | .netns' --arg h "$host")" \
      env CARBONTRACE_HOST_RUN_DIR="$run_dir" CARBONTRACE_PID_DIR="$pid_dir" CARBONTRACE_FABRIC_BIN="$fabric_bin" \
      bash "$config_dir/hosts/$host/start.sh" 2>>"$log_dir/hosts.log" 8>&- \
      || { tail -n 5 "$log_dir/hosts.log" >&2; die "starting the nodes of host $host failed (log: $log_dir/hosts.log)"; }
  done
else
  for i in $(seq 0 $(($(nj '.orderers | length') - 1))); do
    orderer_env "$i"
    start_process "$(nj ".orderers[$i].name")" "$(nj ".orderers[$i].log")" "$fabric_bin/orderer"
  done
  for org in $(nj '.orgs[] | select(.peer != null) | .name'); do
    peer_env "$org" "$root/network/ccaas-builder"
    start_process "$(nj '.orgs[] | select(.name == $o) | .peer.name' --arg o "$org")" \
      "$(nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$org")" "$fabric_bin/peer" node start
  done
fi

# --- health ----------------------------------------------------------------------------------
for i in $(seq 0 $(($(nj '.orderers | length') - 1))); do
  wait_healthy "$(nj ".orderers[$i].name")" "$(nj ".orderers[$i].operationsAddress")" "$(nj ".orderers[$i].log")" 60
done
for org in $(nj '.orgs[] | select(.peer != null) | .name'); do
  wait_healthy "$(nj '.orgs[] | select(.name == $o) | .peer.name' --arg o "$org")" \
    "$(nj '.orgs[] | select(.name == $o) | .peer.operationsAddress' --arg o "$org")" \
    "$(nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$org")" 60
done
log "orderers and peers healthy"

# --- channels ------------------------------------------------------------------------------
bash "$root/network/scripts/join-channels.sh"
started_ok=1
log "network up in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(nj '.orderers | length') orderers, $(nj '[.orgs[] | select(.peer != null)] | length') peers, channels: $(nj '[.channels[].name] | join(", ")')"
log "configuration: $net_json; logs: $log_dir; stop with: npm run network:down"
