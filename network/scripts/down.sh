#!/usr/bin/env bash
# Stops every process the network scripts started (chaincode servers, then peers, then orderers),
# by the PIDs recorded in <run dir>/pids, and removes the run state (configuration, ledgers,
# packages). Logs stay in <run dir>/logs for inspection until the next `up` (add --purge to
# remove them too). Idempotent: with nothing running it only cleans up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_network down
purge=0
[ "${1:-}" = "--purge" ] && purge=1

stopped=0
if [ -f "$run_dir/compose-mode" ]; then
  # Started by network/scripts/compose.sh: stop the containers too.
  if command -v docker >/dev/null 2>&1; then
    CARBONTRACE_ROOT="$root" docker compose -f "$root/network/docker-compose.yaml" down -v || true
  fi
  rm -f "$run_dir/compose-mode"
fi
if [ -d "$pid_dir" ]; then
  # Chaincode servers first (they are clients of the peers), then peers, then orderers.
  for group in chaincode peer orderer; do
    for file in "$pid_dir"/*.pid; do
      [ -e "$file" ] || continue
      name="$(basename "$file" .pid)"
      case "$group:$name" in
        chaincode:*-carbon-* | chaincode:cc-*) ;;
        peer:*-peer[0-9]*) ;;
        orderer:orderer[0-9]*) ;;
        *) continue ;;
      esac
      if [ -n "$(pid_of "$name")" ]; then stopped=$((stopped + 1)); fi
      stop_process "$name"
    done
  done
  # Anything left (names outside the patterns above).
  for file in "$pid_dir"/*.pid; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .pid)"
    if [ -n "$(pid_of "$name")" ]; then stopped=$((stopped + 1)); fi
    stop_process "$name"
  done
fi
# Multi-host in namespaces: remove every namespace, veth link and the bridge netns.sh made.
if [ -f "$run_dir/netns.made" ]; then
  bash "$root/network/scripts/netns.sh" down || log "warning: removing the network namespaces reported an error"
fi
rm -rf "$config_dir" "$run_dir/nodes" "$run_dir/chaincode" "$pid_dir"
if [ "$purge" -eq 1 ]; then rm -rf "$log_dir"; fi
rmdir "$run_dir" 2>/dev/null || true
if [ "$stopped" -gt 0 ]; then
  log "stopped $stopped processes; run state removed${KEEP_LOGS:+ (logs kept in $log_dir)}"
else
  log "nothing was running; run state removed"
fi
