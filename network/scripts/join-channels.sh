#!/usr/bin/env bash
# Joins every orderer (osnadmin channel join, with the channel's genesis block) and every member
# peer (peer channel join, as the org's admin) to every channel in network.json, then waits until
# each member peer has the channel. Nodes already joined are skipped, so it can be re-run.
# Called by up.sh; also used after starting the nodes with Docker (network/scripts/compose.sh).
# Starts and stops nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools jq peer osnadmin
mkdir -p "$log_dir"
channels_log="$log_dir/channels.log"
orderer_tlsca="$(nj '.ordererOrg.tlsCaCert')"
admin_tls=(--ca-file "$orderer_tlsca" --client-cert "$(nj '.ordererOrg.users.admin.tlsCert')"
  --client-key "$(nj '.ordererOrg.users.admin.tlsKey')")

# join_orderer <index> <channel>
join_orderer() {
  local admin name block="$config_dir/channel-artifacts/$2.block"
  admin="$(nj ".orderers[$1].adminAddress")"; name="$(nj ".orderers[$1].name")"
  if osnadmin channel list --channelID "$2" -o "$admin" "${admin_tls[@]}" 2>/dev/null | grep -q '"name"'; then
    return 0
  fi
  osnadmin channel join --channelID "$2" --config-block "$block" -o "$admin" "${admin_tls[@]}" >>"$channels_log" 2>&1 \
    || { echo "[network] orderer $name could not join $2 (its log: $(nj ".orderers[$1].log"); see $channels_log)" >&2; return 1; }
}

# join_peer <org> <channel>
join_peer() {
  local attempt
  if as_org_admin "$1" peer channel list 2>&1 | grep -qx "$2"; then return 0; fi
  local output
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if output="$(as_org_admin "$1" peer channel join -b "$config_dir/channel-artifacts/$2.block" 2>&1)"; then
      echo "$output" >>"$channels_log"
      return 0
    fi
    echo "$output" >>"$channels_log"
    # Joined already (e.g. a re-run whose `channel list` above timed out): done.
    if grep -q "ledger \[$2\] already exists" <<<"$output"; then return 0; fi
    sleep 1
  done
  echo "[network] peer of $1 could not join $2 (its log: $(nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$1"); see $channels_log)" >&2
  return 1
}

# wait_peer_has_channel <org> <channel>: peers pull blocks from the orderers after joining.
wait_peer_has_channel() {
  local attempt
  for attempt in $(seq 1 120); do
    as_org_admin "$1" peer channel getinfo -c "$2" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "[network] peer of $1 does not see channel $2" >&2
  return 1
}

# run_all <command...> per line of stdin ("arg1 arg2"), in parallel; fails if any fails.
run_all() {
  local -a jobs=()
  local a b job failed=0
  while read -r a b; do
    "$@" "$a" "$b" &
    jobs+=("$!")
  done
  for job in "${jobs[@]}"; do wait "$job" || failed=1; done
  return "$failed"
}

nj '.channels[].name as $c | range(0; .orderers | length) | "\(.) \($c)"' | run_all join_orderer \
  || die "joining orderers to channels failed"
nj '.channels[] | .name as $c | .peerOrgs[] | "\(.) \($c)"' | run_all join_peer \
  || die "joining peers to channels failed"
nj '.channels[] | .name as $c | .peerOrgs[] | "\(.) \($c)"' | run_all wait_peer_has_channel \
  || die "peers did not receive their channels"
log "channels $(nj '[.channels[].name] | join(", ")'): $(nj '.orderers | length') orderers and $(nj '[.channels[].peerOrgs[]] | length') peer memberships joined"
