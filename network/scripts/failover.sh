#!/usr/bin/env bash
# Measures the stall a BFT leader failure causes, for one or more SmartBFT settings:
# per setting, a fresh network (the topology with the setting's "smartBFT" options), deploy, the
# main job (--slots N) in the background; when slot K begins, the master channel's leader (found
# from the orderers' SmartBFT logs, not assumed) gets SIGKILL. Afterwards it prints the stall (kill
# until the master channel's next committed block, from GridCo's peer log), the new leader, the
# largest commit gap, the job's duration and its traces accepted, one table row per setting.
# Usage: failover.sh [--slots N] [--kill-at-slot K] [--no-kill] [NAME=JSON ...]
#   NAME=JSON: a setting, e.g. 'defaults={}' (generate.sh defaults) or
#   'fabric={"RequestComplainTimeout":"20s","LeaderHeartbeatTimeout":"1m0s"}'. Default: defaults={}.
# CARBONTRACE_TOPOLOGY names the base topology (basePort!). Results: .run/failover/<name>/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fault-lib.sh"
slots=6
kill_at=2
do_kill=1
settings=()
while [ $# -gt 0 ]; do
  case "$1" in
    --slots) slots="$2"; shift 2 ;;
    --kill-at-slot) kill_at="$2"; shift 2 ;;
    --no-kill) do_kill=0; shift ;;
    *=*) settings+=("$1"); shift ;;
    *) die "failover: unknown argument $1 (usage: failover.sh [--slots N] [--kill-at-slot K] [--no-kill] [NAME=JSON ...])" ;;
  esac
done
[ ${#settings[@]} -gt 0 ] || settings=("defaults={}")
base_topology="${CARBONTRACE_TOPOLOGY:-$root/test-network-config/topology.json}"
driver="$root/gateway-client/dist/job/run-main-job.js"
[ -f "$driver" ] || die "$driver not built (npx tsc -b)"
out_root="$state_dir/failover"
mkdir -p "$out_root"
rows=()

for setting in "${settings[@]}"; do
  name="${setting%%=*}"
  options="${setting#*=}"
  dir="$out_root/$name"
  rm -rf "$dir" && mkdir -p "$dir"
  jq --argjson o "$options" '.smartBFT = ((.smartBFT // {}) + $o)' "$base_topology" >"$dir/topology.json"
  export CARBONTRACE_TOPOLOGY="$dir/topology.json"
  log "setting $name: $options"
  bash "$root/network/scripts/up.sh" 2>"$dir/up.log" || { tail -n 5 "$dir/up.log" >&2; die "up failed for $name"; }
  bash "$root/network/scripts/deploy.sh" 2>"$dir/deploy.log" || { bash "$root/network/scripts/down.sh" 2>/dev/null; die "deploy failed for $name"; }
  grep -A14 'SmartBFT:' "$config_dir/configtx.yaml" >"$dir/smartbft.yaml"
  t0=$(date +%s.%3N)
  node "$driver" --slots "$slots" --json --out "$dir/out" >"$dir/job.json" 2>"$dir/job.log" &
  job=$!
  leader="-"; new_leader="-"; kill_time=""
  if [ "$do_kill" -eq 1 ]; then
    until grep -q "\[slot $kill_at/" "$dir/job.log" 2>/dev/null; do
      alive "$job" || break
      sleep 0.2
    done
    leader="$(bft_leader master)"
    [ -n "$leader" ] || die "no BFT leader of master found in the orderers' logs"
    kill_time="$(kill_node "$leader")"
    log "$name: killed $leader (master's leader) at slot $kill_at"
  fi
  job_status=0
  wait "$job" || job_status=$?
  t1=$(date +%s.%3N)
  gridco_log="$(nj '.orgs[] | select(.role == "gridCompany") | .peer.log')"
  if [ -n "$kill_time" ]; then
    stall="$(stall_after "$kill_time" "$gridco_log" master)"
    gap="$(largest_gap "$gridco_log" master "$kill_time")"
    sleep 1
    new_leader="$(bft_leader master)"
  else
    stall="-"
    gap="$(largest_gap "$gridco_log" master "$t0")"
  fi
  accepted="$(tail -n 1 "$dir/job.json" | jq -r '"\(.tracesAccepted)/\(.traces)"' 2>/dev/null || echo "?")"
  duration="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')"
  cp "$log_dir"/orderer*.log "$gridco_log" "$dir/" 2>/dev/null || true
  bash "$root/network/scripts/down.sh" 2>/dev/null
  row="$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$name" "$options" "$leader" "$new_leader" "$stall" "$gap" "$duration" "$accepted (exit $job_status)")"
  rows+=("$row")
  echo "$row" >"$dir/row.md"
  log "$row"
done

echo "| setting | SmartBFT options (over generate.sh defaults) | leader killed | new leader | stall s (kill → next master block) | largest master commit gap s | job s | traces accepted |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
