#!/usr/bin/env bash
# Deploys carbontrace's chaincodes as a service (ccaas) on the running network:
#   carbon-master on `master`, carbon-slave on every `slave-<hv>` channel (names from network.json).
# Per org that hosts a chaincode: writes a ccaas package (metadata.json type "ccaas", code.tar.gz
# holding connection.json with the org's chaincode server address), installs it on the org's
# peer, starts one `fabric-chaincode-node server` process for it (CORE_CHAINCODE_ID,
# CORE_CHAINCODE_ADDRESS, CORE_PEER_LOCALMSPID set), approves for the org, and commits per channel
# with an explicit endorsement policy that no single organization satisfies: any 2 of the channel's
# peer orgs (client-only orgs cannot endorse); carbon-master also gets its private data collections
# (region-<hv>, tasks-<provider>; docs/security.md). Contracts set a key-level policy on every key
# when they create it. Finally it records the network's organizations on every channel
# (`Network:Configure`, endorsed by all peer orgs of the channel), from which the contracts derive
# those key-level policies.
# Re-runnable: the package label and version carry a hash of the compiled chaincode, so a deploy
# after a code change installs a new package and commits the next sequence; with unchanged code
# it only restarts chaincode servers that are not running.
# Build first (npx tsc -b). Stop with: npm run network:down (stops the chaincode servers too).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_network deploy
require_tools jq peer node tar sha256sum
network_is_up || die "the network is not running; start it with: npm run network:up"
t0=$(date +%s%N)
node_bin="$(command -v node)"
shim_cli="$root/node_modules/fabric-shim/cli.js"
[ -f "$shim_cli" ] || die "fabric-shim is not installed ($shim_cli missing); run npm ci"
deploy_log="$log_dir/deploy.log"
cc_dir="$run_dir/chaincode"
mkdir -p "$cc_dir"
# how long the peer CLI waits for a lifecycle or configuration transaction to be reported
# committed (its default, 30 s, is too short on a loaded 2-core machine and fails a good deploy)
deploy_event_timeout="${CARBONTRACE_DEPLOY_EVENT_TIMEOUT:-120s}"

# resolve_entry <chaincode name>: the JS module whose `contracts` the server loads (from
# network.json). When it is missing: CARBONTRACE_CHAINCODE_FALLBACK=<module.js>, if set, is used
# instead (for developing the network before the contracts exist); otherwise it is an error.
resolve_entry() {
  local entry
  entry="$(nj '.chaincodes[] | select(.name == $c) | .entry' --arg c "$1")"
  if [ ! -f "$entry" ] && [ -n "${CARBONTRACE_CHAINCODE_FALLBACK:-}" ]; then
    log "chaincode $1: $entry not built; using CARBONTRACE_CHAINCODE_FALLBACK=$CARBONTRACE_CHAINCODE_FALLBACK"
    entry="$(cd "$(dirname "$CARBONTRACE_CHAINCODE_FALLBACK")" && pwd)/$(basename "$CARBONTRACE_CHAINCODE_FALLBACK")"
  fi
  [ -f "$entry" ] || die "chaincode $1: $entry not found; build the chaincode first (npx tsc -b)"
  echo "$entry"
}

# code_hash <entry>: SHA-256 over the compiled JS of the package the entry belongs to (sorted
# file list and contents), so any code change gives a new package label and version.
code_hash() {
  local entry="$1" base
  base="$(cd "$(dirname "$entry")" && pwd)"
  while [ "$base" != "/" ] && [ ! -f "$base/package.json" ]; do base="$(dirname "$base")"; done
  [ "$base" = "/" ] && base="$(dirname "$entry")"
  (cd "$base" && find . -name '*.js' -not -path '*/node_modules/*' -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum) | sha256sum | cut -c1-12
}

# deterministic_tgz <dir> <output> <files...>: a gzipped tar of <files> in <dir>, identical bytes
# for identical contents.
deterministic_tgz() {
  local dir="$1" output="$2"; shift 2
  tar -C "$dir" --sort=name --mtime='1970-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner \
    --mode='u=rw,go=r' -cf - "$@" | gzip -n >"$output"
}

# endorsement_policy <channel>: any two of the channel's peer orgs' peers (never one org alone).
endorsement_policy() {
  nj '.channels[] | select(.name == $c) | .peerOrgs | map(. as $o | "\u0027\($o)MSP.peer\u0027") | "OutOf(2," + join(",") + ")"' \
    --arg c "$1"
}

# collections_config <chaincode> <file>: the private data collections of carbon-master (none for
# carbon-slave: providers are not members of slave channels). Membership, reads and writes are
# limited to members; records are audit records, so nothing is purged (blockToLive 0).
collections_config() {
  local cc="$1" file="$2"
  if [ "$(nj '.chaincodes[] | select(.name == $c) | .kind' --arg c "$cc")" != "master" ]; then
    rm -f "$file"; return 0
  fi
  jq '
    def member($o): "\u0027\($o)MSP.member\u0027";
    def peer($o): "\u0027\($o)MSP.peer\u0027";
    .topology as $t
    | [ ($t.hvSubstations[] | . as $hv
          | { name: "region-\($hv.name | ascii_downcase)",
              policy: ("OR(" + ([$t.gridCompany, $hv.name, $t.regulator] | map(member(.)) | join(",")) + ")"),
              requiredPeerCount: 1, maxPeerCount: 3, blockToLive: 0,
              memberOnlyRead: true, memberOnlyWrite: true,
              endorsementPolicy: { signaturePolicy: ("AND(" + peer($t.regulator) + ",OR(" + ([$t.gridCompany, $hv.name] | map(peer(.)) | join(",")) + "))") } }),
        ($t.cloudProviders[] | . as $cloud
          | { name: "tasks-\($cloud)",
              policy: ("OR(" + ([$t.gridCompany] + [$t.hvSubstations[].name] + [$t.regulator, $cloud] | map(member(.)) | join(",")) + ")"),
              requiredPeerCount: 1, maxPeerCount: 3, blockToLive: 0,
              memberOnlyRead: true, memberOnlyWrite: true,
              endorsementPolicy: { signaturePolicy: ("AND(" + peer($t.regulator) + ",OR(" + ([$t.gridCompany] + [$t.hvSubstations[].name] | map(peer(.)) | join(",")) + "))") } }) ]
  ' "$net_json" >"$file"
}

# network_orgs_json: the Network:Configure record (contracts/shared/network-orgs.ts) from the topology.
network_orgs_json() {
  jq -c '.topology as $t | {
    gridCompany: "\($t.gridCompany)MSP", regulator: "\($t.regulator)MSP",
    regions: [$t.hvSubstations[] | { channel: "slave-\(.name | ascii_downcase)", hv: "\(.name)MSP",
              lvs: [.lvSubstations[] | "\(.)MSP"] }],
    providers: [$t.cloudProviders[] | "\(.)MSP"] }' "$net_json"
}

# deploy_chaincode <name>: everything for one chaincode (both chaincodes deploy in parallel).
deploy_chaincode() {
  local cc="$1" entry hash label module_dir hosts org package_id server_name current job version collections
  local -a install_jobs=() channel_jobs=()
  entry="$(resolve_entry "$cc")"
  hash="$(code_hash "$entry")"
  label="${cc}_${hash}"
  collections="$cc_dir/$cc/collections.json"
  mkdir -p "$cc_dir/$cc"
  collections_config "$cc" "$collections"
  module_dir="$cc_dir/$cc/module-$hash"
  mkdir -p "$module_dir"
  jq -n --arg name "$cc" --arg version "0.0.0-$hash" --arg main "$entry" \
    '{name: $name, version: $version, private: true, main: $main}' >"$module_dir/package.json"

  # --- per org (orgs in parallel): package and install; then one chaincode server per org ---
  package_and_install() {
    local org="$1" server_address pkg package_id
    server_address="$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .address' --arg o "$org" --arg c "$cc")"
    pkg="$cc_dir/$cc/$org-$hash"
    rm -rf "$pkg" && mkdir -p "$pkg/src"
    jq -n --arg address "$server_address" '{address: $address, dial_timeout: "10s", tls_required: false}' >"$pkg/src/connection.json"
    jq -n --arg lbl "$label" '{"type": "ccaas", "label": $lbl}' >"$pkg/metadata.json"
    # Byte-for-byte reproducible archives (fixed order, owner, mtime; gzip without name/time), so
    # the same label and address always give the same package id.
    deterministic_tgz "$pkg/src" "$pkg/code.tar.gz" connection.json
    deterministic_tgz "$pkg" "$pkg/$label.tar.gz" metadata.json code.tar.gz
    package_id="$(peer lifecycle chaincode calculatepackageid "$pkg/$label.tar.gz")"
    if ! as_org_admin "$org" peer lifecycle chaincode queryinstalled -O json 2>>"$pkg/install.log" \
        | jq -e --arg id "$package_id" '.installed_chaincodes // [] | any(.package_id == $id)' >/dev/null; then
      as_org_admin "$org" peer lifecycle chaincode install "$pkg/$label.tar.gz" >>"$pkg/install.log" 2>&1 \
        || { cat "$pkg/install.log" >>"$deploy_log"; tail -n 5 "$pkg/install.log" >&2
             die "install of $label on $org's peer failed (log: $deploy_log)"; }
    fi
    echo "$package_id" >"$pkg/package-id"
  }
  declare -A package_of=()
  hosts="$(nj '.orgs[] | select(any(.chaincodeServers[]; .chaincode == $c)) | .name' --arg c "$cc")"
  for org in $hosts; do
    package_and_install "$org" &
    install_jobs+=("$!")
  done
  for job in "${install_jobs[@]}"; do wait "$job" || die "packaging or installing $cc failed (log: $deploy_log)"; done
  for org in $hosts; do
    package_id="$(cat "$cc_dir/$cc/$org-$hash/package-id")"
    package_of[$org]="$package_id"
    server_name="$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .name' --arg o "$org" --arg c "$cc")"
    # Replace the server when the package changed or it is not running.
    current="$(cat "$pid_dir/$server_name.package" 2>/dev/null || true)"
    if [ "$current" != "$package_id" ] || [ -z "$(pid_of "$server_name")" ]; then
      stop_process "$server_name"
      node_env=(CORE_CHAINCODE_ID="$package_id"
        CORE_CHAINCODE_ADDRESS="$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .address' --arg o "$org" --arg c "$cc")"
        CORE_PEER_LOCALMSPID="$(nj '.orgs[] | select(.name == $o) | .mspId' --arg o "$org")"
        CORE_CHAINCODE_LOGGING_LEVEL="${CHAINCODE_LOGGING_LEVEL:-info}")
      start_process "$server_name" "$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .log' --arg o "$org" --arg c "$cc")" \
        "$node_bin" "$shim_cli" server --module-path "$module_dir"
      echo "$package_id" >"$pid_dir/$server_name.package"
    fi
  done

  # --- per channel (channels in parallel): approve (orgs in parallel), then commit ---------
  deploy_to_channel() {
    local channel="$1" policy committed sequence org entry_pid
    local -a pids=() peer_args=()
    policy="$(endorsement_policy "$channel")"
    # the definition (policy, collections) is part of the version: a change commits a new sequence
    version="0.0.0-$hash-$( { echo "$policy"; cat "$collections" 2>/dev/null || true; } | sha256sum | cut -c1-8)"
    local -a collection_args=()
    [ -f "$collections" ] && collection_args=(--collections-config "$collections")
    committed="$(as_org_admin "$(nj '.channels[] | select(.name == $c) | .peerOrgs[0]' --arg c "$channel")" \
      peer lifecycle chaincode querycommitted -C "$channel" -n "$cc" -O json 2>/dev/null || echo '{}')"
    if [ "$(jq -r '.version // ""' <<<"$committed")" = "$version" ]; then
      log "$cc on $channel: version $version already committed (sequence $(jq -r .sequence <<<"$committed"))"
      return 0
    fi
    sequence=$(( $(jq -r '.sequence // 0' <<<"$committed") + 1 ))
    for org in $(nj '.channels[] | select(.name == $c) | .peerOrgs[]' --arg c "$channel"); do
      # shellcheck disable=SC2046
      as_org_admin "$org" peer lifecycle chaincode approveformyorg -C "$channel" -n "$cc" -v "$version" \
        --sequence "$sequence" --package-id "${package_of[$org]}" --signature-policy "$policy" "${collection_args[@]}" \
        --waitForEventTimeout "$deploy_event_timeout" $(orderer_cli_args) >"$cc_dir/approve-$channel-$org.log" 2>&1 &
      pids+=("$!:$org")
    done
    for entry_pid in "${pids[@]}"; do
      if ! wait "${entry_pid%%:*}"; then
        org="${entry_pid#*:}"
        cat "$cc_dir/approve-$channel-$org.log" >>"$deploy_log"
        tail -n 5 "$cc_dir/approve-$channel-$org.log" >&2
        die "approval of $cc sequence $sequence on $channel by $org failed (log: $deploy_log)"
      fi
    done
    for org in $(nj '.channels[] | select(.name == $c) | .peerOrgs[]' --arg c "$channel"); do
      peer_args+=(--peerAddresses "$(nj '.orgs[] | select(.name == $o) | .peer.address' --arg o "$org")"
        --tlsRootCertFiles "$(nj '.orgs[] | select(.name == $o) | .tlsCaCert' --arg o "$org")")
    done
    # shellcheck disable=SC2046
    as_org_admin "$(nj '.channels[] | select(.name == $c) | .peerOrgs[0]' --arg c "$channel")" \
      peer lifecycle chaincode commit -C "$channel" -n "$cc" -v "$version" --sequence "$sequence" \
      --signature-policy "$policy" "${collection_args[@]}" --waitForEventTimeout "$deploy_event_timeout" \
      $(orderer_cli_args) "${peer_args[@]}" >>"$deploy_log" 2>&1 \
      || { tail -n 5 "$deploy_log" >&2; die "commit of $cc sequence $sequence on $channel failed (log: $deploy_log)"; }
    log "$cc on $channel: committed version $version, sequence $sequence, endorsement $policy${collection_args:+, collections $(jq -r 'map(.name) | join(" ")' "$collections")}"
  }
  for channel in $(nj '.chaincodes[] | select(.name == $c) | .channels[]' --arg c "$cc"); do
    deploy_to_channel "$channel" &
    channel_jobs+=("$!")
  done
  for job in "${channel_jobs[@]}"; do wait "$job" || die "deployment of $cc failed (log: $deploy_log)"; done

  # --- chaincode servers answer (they started while the definitions were approved) ---------
  for org in "${!package_of[@]}"; do
    server_name="$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .name' --arg o "$org" --arg c "$cc")"
    wait_port "$server_name" "$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .address' --arg o "$org" --arg c "$cc")" \
      "$(nj '.orgs[] | select(.name == $o) | .chaincodeServers[] | select(.chaincode == $c) | .log' --arg o "$org" --arg c "$cc")" 60 \
      || die "chaincode server $server_name did not start"
  done

}

cc_jobs=()
for cc in $(nj '.chaincodes[].name'); do
  resolve_entry "$cc" >/dev/null   # fail fast, before anything starts
  deploy_chaincode "$cc" &
  cc_jobs+=("$!")
done
failed=0
for job in "${cc_jobs[@]}"; do wait "$job" || failed=1; done
[ "$failed" -eq 0 ] || die "deployment failed (log: $deploy_log; chaincode server logs in $log_dir)"

# --- the network's organizations on every channel, endorsed by all of its peer orgs ----------
configure_channel() {
  local channel="$1" cc admin_org org orgs_json current
  local -a peer_args=()
  cc="$(nj '.channels[] | select(.name == $c) | .chaincode' --arg c "$channel")"
  admin_org="$(nj '.topology.gridCompany as $g | .channels[] | select(.name == $c) | if .kind == "master" then $g else .hvSubstation end' --arg c "$channel")"
  orgs_json="$(network_orgs_json)"
  current="$(as_org_admin "$admin_org" peer chaincode query -C "$channel" -n "$cc" -c '{"Args":["Network:Get"]}' 2>/dev/null || true)"
  if [ -n "$current" ] && [ "$(jq -cS . <<<"$current")" = "$(jq -cS . <<<"$orgs_json")" ]; then return 0; fi
  for org in $(nj '.channels[] | select(.name == $c) | .peerOrgs[]' --arg c "$channel"); do
    peer_args+=(--peerAddresses "$(nj '.orgs[] | select(.name == $o) | .peer.address' --arg o "$org")"
      --tlsRootCertFiles "$(nj '.orgs[] | select(.name == $o) | .tlsCaCert' --arg o "$org")")
  done
  # shellcheck disable=SC2046
  as_org_admin "$admin_org" peer chaincode invoke -C "$channel" -n "$cc" --waitForEvent \
    --waitForEventTimeout "$deploy_event_timeout" \
    -c "$(jq -cn --arg o "$orgs_json" '{Args: ["Network:Configure", $o]}')" \
    $(orderer_cli_args) "${peer_args[@]}" >>"$deploy_log" 2>&1 \
    || { tail -n 5 "$deploy_log" >&2; die "Network:Configure on $channel failed (log: $deploy_log)"; }
  log "$channel: network organizations recorded (Network:Configure)"
}
cfg_jobs=()
for channel in $(nj '.channels[].name'); do
  configure_channel "$channel" &
  cfg_jobs+=("$!")
done
for job in "${cfg_jobs[@]}"; do wait "$job" || failed=1; done
[ "$failed" -eq 0 ] || die "recording the network organizations failed (log: $deploy_log)"

# --- discovery: every gateway must find every peer org of its channels before clients name them
# as endorsers (gossip spreads the new chaincode's peers a few seconds after the commit) ---------
node "$root/gateway-client/dist/process/wait-discovery.js" "$config_dir" --timeout-s 90 \
  || die "the peers' discovery did not learn every endorser in 90 s (peer logs in $log_dir)"

log "deployed in $(( ($(date +%s%N) - t0) / 1000000 )) ms; chaincode servers: $(ls "$pid_dir" | grep -c '\.package$')"
