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
bash "$root/test-network-config/generate.sh" --topology "${CARBONTRACE_TOPOLOGY:-$root/test-network-config/topology.json}" \
  --out "$config_dir" 2>"$log_dir/generate.log" \
  || { cat "$log_dir/generate.log" >&2; die "configuration generation failed (log: $log_dir/generate.log)"; }

# --- ports: refuse early, naming the node, when one of ours is taken ---------------------------
while IFS=$'\t' read -r node what address; do
  if (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null; then
    die "port ${address##*:} ($node $what, $address) is already in use by another program; free it or change basePort in test-network-config/topology.json"
  fi
done < <(nj '(.orderers[] | [.name, "listen", .address], [.name, "admin", .adminAddress], [.name, "operations", .operationsAddress]),
             (.orgs[] | select(.peer != null) | .peer | [.name, "listen", .address], [.name, "chaincode", .chaincodeAddress], [.name, "operations", .operationsAddress]),
             (.orgs[].chaincodeServers[] | [.name, "server", .address]) | @tsv')

# --- orderers ------------------------------------------------------------------------------
orderer_tlsca="$(nj '.ordererOrg.tlsCaCert')"
for i in $(seq 0 $(($(nj '.orderers | length') - 1))); do
  o() { nj ".orderers[$i].$1"; }
  name="$(o name)"; address="$(o address)"; tls="$(o tlsDir)"; data="$(o dataDir)"
  mkdir -p "$data"
  node_env=(FABRIC_LOGGING_SPEC="${ORDERER_LOGGING_SPEC:-info}" \
    ORDERER_GENERAL_LISTENADDRESS="${address%:*}" ORDERER_GENERAL_LISTENPORT="${address##*:}" \
    ORDERER_GENERAL_LOCALMSPID="$(nj '.ordererOrg.mspId')" ORDERER_GENERAL_LOCALMSPDIR="$(o mspDir)" \
    ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/server.key" \
    ORDERER_GENERAL_TLS_CERTIFICATE="$tls/server.crt" ORDERER_GENERAL_TLS_ROOTCAS="[$tls/ca.crt]" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_FILELEDGER_LOCATION="$data/ledger" \
    ORDERER_CONSENSUS_WALDIR="$data/consensus/wal" ORDERER_CONSENSUS_SNAPDIR="$data/consensus/snap" \
    ORDERER_OPERATIONS_LISTENADDRESS="$(o operationsAddress)" ORDERER_METRICS_PROVIDER=disabled \
    ORDERER_ADMIN_LISTENADDRESS="$(o adminAddress)" ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_CERTIFICATE="$tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="$tls/server.key" \
    ORDERER_ADMIN_TLS_ROOTCAS="[$tls/ca.crt]" ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$orderer_tlsca]")
  start_process "$name" "$(o log)" "$fabric_bin/orderer"
done

# --- peers -----------------------------------------------------------------------------------
builder_dir="$root/network/ccaas-builder"
for org in $(nj '.orgs[] | select(.peer != null) | .name'); do
  p() { nj '.orgs[] | select(.name == $o) | .peer.'"$1" --arg o "$org"; }
  name="$(p name)"; address="$(p address)"; cc_address="$(p chaincodeAddress)"; tls="$(p tlsDir)"; data="$(p dataDir)"
  mkdir -p "$data"
  node_env=(FABRIC_LOGGING_SPEC="${PEER_LOGGING_SPEC:-info}" \
    CORE_PEER_ID="$(p hostname)" CORE_PEER_ADDRESS="$address" CORE_PEER_LISTENADDRESS="$address" \
    CORE_PEER_CHAINCODEADDRESS="$cc_address" CORE_PEER_CHAINCODELISTENADDRESS="$cc_address" \
    CORE_PEER_GOSSIP_BOOTSTRAP="$address" CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address" \
    CORE_PEER_LOCALMSPID="$(nj '.orgs[] | select(.name == $o) | .mspId' --arg o "$org")" \
    CORE_PEER_MSPCONFIGPATH="$(p mspDir)" \
    CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE="$tls/server.crt" CORE_PEER_TLS_KEY_FILE="$tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$data/production" CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
    CORE_OPERATIONS_LISTENADDRESS="$(p operationsAddress)" CORE_METRICS_PROVIDER=disabled \
    CORE_VM_ENDPOINT= CORE_CHAINCODE_KEEPALIVE=0 \
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: carbontrace-ccaas, path: $builder_dir}]")
  start_process "$name" "$(p log)" "$fabric_bin/peer" node start
done

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
