#!/usr/bin/env bash
# npm run chaos: the main job under hard faults, one fault per run. Per case: a fresh network
# (single host, or the multi-host topology in namespaces for the partition), deploy, the main job
# (--slots N) in the background; when slot K begins the fault is injected; afterwards the
# regulator's ledger audit (carbontrace regulator audit --from --to) runs over the job's slots.
# Prints one table row per case: the fault, the stall (fault → next block committed on master),
# the job's exit, duration, traces accepted and anchors verified, the retries/reconnects the job
# logged, and the audit result. Results per case in .run/chaos/<case>/.
# Usage: chaos.sh [--slots N] [--fault-at-slot K] [CASE ...]
#   cases: orderer leader leader-restart two-orderers two-orderers-down peer-hv peer-lv peer-gridco peer-regulator chaincode relay worker partition
#   relay / worker: Hv1's anchor relay / CloudA's worker runs as its own process (carbontrace relay /
#   worker, the job started with --external-relays Hv1 / --external-workers CloudA); SIGKILL, restarted
#   after 10 s from its checkpoint file.
#   (default: all). CARBONTRACE_TOPOLOGY: the single-host topology (basePort!);
#   CARBONTRACE_MULTIHOST_TOPOLOGY: the partition case's (default test-network-config/topology.multihost.json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fault-lib.sh"
slots=6
fault_at=2
cases=()
while [ $# -gt 0 ]; do
  case "$1" in
    --slots) slots="$2"; shift 2 ;;
    --fault-at-slot) fault_at="$2"; shift 2 ;;
    -*) die "chaos: unknown option $1" ;;
    *) cases+=("$1"); shift ;;
  esac
done
[ ${#cases[@]} -gt 0 ] || cases=(orderer leader leader-restart two-orderers two-orderers-down peer-hv peer-lv peer-gridco peer-regulator chaincode relay worker partition)
single_topology="${CARBONTRACE_TOPOLOGY:-$root/test-network-config/topology.json}"
multi_topology="${CARBONTRACE_MULTIHOST_TOPOLOGY:-$root/test-network-config/topology.multihost.json}"
driver="$root/gateway-client/dist/job/run-main-job.js"
cli="$root/gateway-client/dist/cli/main.js"
[ -f "$driver" ] && [ -f "$cli" ] || die "build first (npx tsc -b)"
job_deadline_s="${CHAOS_JOB_DEADLINE_S:-300}"
rows=()

peer_of() { nj '.orgs[] | select(.name == $o) | .peer.name' --arg o "$1"; }
peer_log_of() { nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$1"; }
orderer_log_of() { nj '.orderers[] | select(.name == $n) | .log' --arg n "$1"; }

# kill_and_restart <name> <log> <down seconds>: SIGKILL, wait, start again the same way.
kill_and_restart() {
  save_node_command "$1"
  fault_time="$(kill_node "$1")"
  ( sleep "$3"; restart_node "$1" "$2" ) &
  restarter=$!
}

# start_external <case>: for relay / worker, starts that process on its own (pid in $dir/external.pid,
# output appended to $dir/external.log) and sets job_extra to the job's flag that leaves it out.
external_cmd=()
start_external() {
  job_extra=()
  external_cmd=()
  case "$1" in
    relay)
      external_cmd=(node "$cli" relay --hv Hv1 --checkpoint "$dir/relay-Hv1.json")
      job_extra=(--external-relays Hv1) ;;
    worker)
      external_cmd=(node "$cli" worker --provider CloudA --fee 1 --checkpoint "$dir/worker-CloudA.json")
      job_extra=(--external-workers CloudA) ;;
    *) return 0 ;;
  esac
  "${external_cmd[@]}" >>"$dir/external.log" 2>&1 &
  echo $! >"$dir/external.pid"
  local waited=0
  until grep -qE 'resumed|running' "$dir/external.log" 2>/dev/null; do
    alive "$(cat "$dir/external.pid")" || die "chaos: $1 process exited at start: $(tail -n 3 "$dir/external.log")"
    [ "$waited" -lt 600 ] || die "chaos: $1 process did not start within 60 s: $(tail -n 3 "$dir/external.log")"
    sleep 0.1; waited=$((waited + 1))
  done
}

# stop_external: SIGTERM to the external process of this case, if any.
stop_external() {
  [ -f "$dir/external.pid" ] || return 0
  kill -TERM "$(cat "$dir/external.pid")" 2>/dev/null || true
  rm -f "$dir/external.pid"
}

# inject <case>: sets fault_time (epoch s), fault_desc, and starts any restart in the background.
inject() {
  restarter=""
  case "$1" in
    orderer)
      local leader victim
      leader="$(bft_leader master)"
      victim="$(nj '.orderers[].name' | grep -vx "$leader" | head -n 1)"
      fault_desc="SIGKILL $victim (not the leader), stays down"
      fault_time="$(kill_node "$victim")" ;;
    leader)
      local leader
      leader="$(bft_leader master)"
      fault_desc="SIGKILL $leader (master's BFT leader, from the orderers' logs), stays down"
      fault_time="$(kill_node "$leader")" ;;
    leader-restart)
      local leader
      leader="$(bft_leader master)"
      fault_desc="SIGKILL $leader (master's BFT leader), restarted after 10 s"
      kill_and_restart "$leader" "$(orderer_log_of "$leader")" 10 ;;
    two-orderers)
      local a b
      a="$(nj '.orderers[1].name')"; b="$(nj '.orderers[2].name')"
      save_node_command "$b"
      fault_time="$(kill_node "$a")"; kill_node "$b" >/dev/null
      fault_desc="SIGKILL $a and $b (quorum lost), $b restarted after 30 s"
      ( sleep 30; restart_node "$b" "$(orderer_log_of "$b")" ) &
      restarter=$! ;;
    two-orderers-down)
      local a b
      a="$(nj '.orderers[1].name')"; b="$(nj '.orderers[2].name')"
      fault_time="$(kill_node "$a")"; kill_node "$b" >/dev/null
      fault_desc="SIGKILL $a and $b (quorum lost), both stay down: the job must stop with an error" ;;
    peer-hv | peer-lv | peer-gridco | peer-regulator)
      local org
      case "$1" in
        peer-hv) org=Hv1 ;; peer-lv) org=Lv1a ;; peer-gridco) org=GridCo ;; peer-regulator) org=Regulator ;;
      esac
      fault_desc="SIGKILL $(peer_of "$org"), restarted after 10 s"
      kill_and_restart "$(peer_of "$org")" "$(peer_log_of "$org")" 10 ;;
    chaincode)
      local server
      server="$(nj '.orgs[] | select(.name == "Hv1") | .chaincodeServers[] | select(.chaincode == "carbon-master") | .name')"
      fault_desc="SIGKILL chaincode server $server, restarted after 10 s"
      kill_and_restart "$server" "$(nj '.orgs[].chaincodeServers[] | select(.name == $n) | .log' --arg n "$server")" 10 ;;
    relay | worker)
      fault_desc="SIGKILL of ${external_cmd[2]} ${external_cmd[4]} (its own process), restarted after 10 s from its checkpoint"
      kill -KILL "$(cat "$dir/external.pid")"
      fault_time="$(date +%s.%3N)"
      ( sleep 10; echo "--- restarted after SIGKILL ---" >>"$dir/external.log"
        "${external_cmd[@]}" >>"$dir/external.log" 2>&1 &
        echo $! >"$dir/external.pid" ) &
      restarter=$! ;;
    partition)
      local host
      host="$(nj '.orgs[] | select(.name == "Hv1") | .peer.host')"
      fault_desc="host $host (orderer1, Hv1, Lv1a, Lv1b) link down 30 s"
      fault_time="$(date +%s.%3N)"
      bash "$root/network/scripts/netns.sh" partition "$host" 30 2>>"$dir/fault.log" &
      restarter=$! ;;
    *) die "chaos: unknown case $1" ;;
  esac
}

for name in "${cases[@]}"; do
  dir="$state_dir/chaos/$name"
  rm -rf "$dir" && mkdir -p "$dir"
  topology="$single_topology"
  [ "$name" = partition ] && topology="$multi_topology"
  log "case $name: network up ($(basename "$topology"))"
  bash "$root/network/scripts/up.sh" --topology "$topology" 2>"$dir/up.log" || { tail -n 5 "$dir/up.log" >&2; die "up failed ($name)"; }
  bash "$root/network/scripts/deploy.sh" 2>"$dir/deploy.log" || { bash "$root/network/scripts/down.sh" 2>/dev/null; die "deploy failed ($name)"; }
  start_external "$name"
  t0=$(date +%s.%3N)
  timeout "$job_deadline_s" node "$driver" --slots "$slots" --json --out "$dir/out" "${job_extra[@]}" >"$dir/job.json" 2>"$dir/job.log" &
  job=$!
  until grep -q "\[slot $fault_at/" "$dir/job.log" 2>/dev/null || ! alive "$job"; do sleep 0.2; done
  inject "$name"
  log "case $name: $fault_desc"
  job_status=0
  wait "$job" || job_status=$?
  t1=$(date +%s.%3N)
  [ -z "$restarter" ] || wait "$restarter" 2>/dev/null || true
  stop_external
  observer=GridCo
  [ "$name" = peer-gridco ] && observer=Hv1
  stall="$(stall_after "$fault_time" "$(peer_log_of "$observer")" master)"
  duration="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')"
  summary="$(tail -n 1 "$dir/job.json" 2>/dev/null || true)"
  accepted="$(jq -r '"\(.tracesAccepted)/\(.traces)"' <<<"$summary" 2>/dev/null || echo "-")"
  anchors="$(jq -r '"\(.anchorsVerified)/\(.anchorsChecked)"' <<<"$summary" 2>/dev/null || echo "-")"
  retries="$(grep -ciE 'retry|retrying|reconnecting' "$dir/job.log" || true)"
  error_line="$(grep -m1 -E '^main job failed' "$dir/job.log" | cut -c1-200 || true)"
  [ "$job_status" -eq 124 ] && error_line="killed at the ${job_deadline_s} s deadline${error_line:+ after: $error_line}"
  audit="-"
  if [ -f "$dir/out/report.json" ]; then
    first="$(jq -r .firstSlot "$dir/out/report.json")"
    if node "$cli" regulator audit --from "$first" --to $((first + slots - 1)) --json >"$dir/audit.json" 2>"$dir/audit.log"; then
      audit="clean ($(jq -r '[.slots[] | select(.ok)] | length' "$dir/audit.json") slots, blocks $(jq -r '[.anchoredBlocksVerified[]] | add' "$dir/audit.json"))"
    else
      audit="$(jq -r '"\(.findings | length) finding(s): \(.findings[0].kind) \(.findings[0].detail)"' "$dir/audit.json" 2>/dev/null || tail -n 1 "$dir/audit.log")"
    fi
  fi
  cp "$log_dir"/*.log "$dir/" 2>/dev/null || true
  bash "$root/network/scripts/down.sh" 2>/dev/null
  row="| $name | $fault_desc | $stall | exit $job_status, ${duration} s${error_line:+ ($error_line)} | $accepted | $anchors | $retries | $audit |"
  echo "$row" >"$dir/row.md"
  rows+=("$row")
  log "$row"
done
echo "| case | fault (at slot $fault_at of $slots) | stall s (fault → next master block) | job | traces accepted | anchors verified | retries/reconnects logged | audit |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
