#!/usr/bin/env bash
# Stops this host's processes (chaincode servers, peers, orderers) by their pid files: SIGTERM,
# then SIGKILL after 10 s. Same environment as start.sh (CARBONTRACE_HOST_RUN_DIR, CARBONTRACE_PID_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
host="$(cat "$here/HOST")"
run="${CARBONTRACE_HOST_RUN_DIR:-$here/run}"
pid_dir="${CARBONTRACE_PID_DIR:-$run/pids}"
names="$(jq -r --arg h "$host" '(.orgs[].chaincodeServers[] | select(.host == $h) | .name),
  (.orgs[] | select(.peer != null and .peer.host == $h) | .peer.name),
  (.orderers[] | select(.host == $h) | .name)' "$here/network.json")"
for name in $names; do
  file="$pid_dir/$name.pid"
  [ -f "$file" ] || continue
  read -r pid program <"$file" || true
  if [ -n "${pid:-}" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$program"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    echo "[$host] stopped $name (pid $pid)" >&2
  fi
  rm -f "$file"
done
