#!/usr/bin/env bash
# Starts the test network: generates configuration (test-network-config/generate.sh), starts the
# 4 BFT orderers and one peer per peer org as background processes, waits on each /healthz,
# joins every orderer (osnadmin) and every member peer (peer channel join) to every channel.
# Refuses to run while a network started from this run directory is up. On any failure it
# stops what it started, removes the run state, and names the failing node and its log.
# Stop with: npm run network:down
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools jq curl peer orderer osnadmin configtxgen cryptogen

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
bash "$root/test-network-config/generate.sh" --out "$config_dir" 2>"$log_dir/generate.log" \
  || { cat "$log_dir/generate.log" >&2; die "configuration generation failed (log: $log_dir/generate.log)"; }

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

# --- channels --------------------------------------------------------------------------------
admin_tls_cert="$(nj '.ordererOrg.users.admin.tlsCert')"
admin_tls_key="$(nj '.ordererOrg.users.admin.tlsKey')"
for channel in $(nj '.channels[].name'); do
  block="$config_dir/channel-artifacts/$channel.block"
  for i in $(seq 0 $(($(nj '.orderers | length') - 1))); do
    osnadmin channel join --channelID "$channel" --config-block "$block" -o "$(nj ".orderers[$i].adminAddress")" \
      --ca-file "$orderer_tlsca" --client-cert "$admin_tls_cert" --client-key "$admin_tls_key" >>"$log_dir/channels.log" 2>&1 \
      || { tail -n 5 "$log_dir/channels.log" >&2; die "orderer $(nj ".orderers[$i].name") could not join $channel (log: $(nj ".orderers[$i].log"))"; }
  done
  for org in $(nj '.channels[] | select(.name == $c) | .peerOrgs[]' --arg c "$channel"); do
    joined=0
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      if as_org_admin "$org" peer channel join -b "$block" >>"$log_dir/channels.log" 2>&1; then joined=1; break; fi
      sleep 1
    done
    [ "$joined" -eq 1 ] || { tail -n 5 "$log_dir/channels.log" >&2
      die "peer of $org could not join $channel (log: $(nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$org"))"; }
  done
  log "channel $channel: orderers and peers joined"
done

# Each peer pulls blocks from the orderers; wait until every member peer has the genesis block.
for channel in $(nj '.channels[].name'); do
  for org in $(nj '.channels[] | select(.name == $c) | .peerOrgs[]' --arg c "$channel"); do
    for attempt in $(seq 1 60); do
      as_org_admin "$org" peer channel getinfo -c "$channel" >/dev/null 2>&1 && break
      [ "$attempt" -eq 60 ] && die "peer of $org does not see channel $channel"
      sleep 0.5
    done
  done
done
started_ok=1
log "network up in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(nj '.orderers | length') orderers, $(nj '[.orgs[] | select(.peer != null)] | length') peers, channels: $(nj '[.channels[].name] | join(", ")')"
log "configuration: $net_json; logs: $log_dir; stop with: npm run network:down"
