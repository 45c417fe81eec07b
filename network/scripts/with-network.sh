#!/usr/bin/env bash
# Runs a command against a fresh test network:
#   install Fabric if missing -> build (tsc -b) -> up -> deploy -> <command...> -> down (always)
# and exits with the command's exit code. `down` runs from an EXIT trap, so the network is
# stopped even when the command fails or the run is interrupted (Ctrl-C, SIGTERM).
# Concurrent invocations on the same run directory wait for each other (flock on
# .run/with-network.lock). CARBONTRACE_NETWORK_DIR and CARBONTRACE_TOPOLOGY (a topology file with
# another basePort) give a second, independent network; the command sees CARBONTRACE_NETWORK_DIR
# and CARBONTRACE_NETWORK_CONFIG pointing at the network it runs against.
# If a network started by hand is already running, it refuses (stop it with npm run network:down),
# unless CARBONTRACE_REUSE_NETWORK=1: then it deploys to that network and leaves it running.
# Prints the up + deploy time and the network's peak memory (sum of RSS of all its processes).
# Usage: bash network/scripts/with-network.sh jest --selectProjects integration --runInBand
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -gt 0 ] || die "usage: with-network.sh <command> [args...]"
mkdir -p "$state_dir"

exec 9>"$state_dir/with-network.lock"
if ! flock -n 9; then
  log "another with-network run is using the network; waiting for it to finish"
  flock 9
fi

export CARBONTRACE_IN_WITH_NETWORK=1
bash "$root/network/scripts/install-fabric.sh" >/dev/null
# Build so the chaincode servers run the current code. `tsc -b` still emits when some file has a
# type error, so a failing build only warns here (npm test runs the build as its own gate first).
(cd "$root" && npx tsc -b >"$state_dir/with-network-build.log" 2>&1) \
  || log "warning: npx tsc -b reported errors (see $state_dir/with-network-build.log); deploying what was emitted"

reuse=0
if [ -n "$(running_names)" ]; then
  if [ "${CARBONTRACE_REUSE_NETWORK:-0}" = "1" ]; then
    reuse=1
    log "reusing the running network (CARBONTRACE_REUSE_NETWORK=1); it stays up afterwards"
  else
    die "a network is already running from $run_dir; stop it (npm run network:down) or set CARBONTRACE_REUSE_NETWORK=1 to use it"
  fi
fi

sampler_pid=""
peak_file="$state_dir/network-memory-peak"
finish() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; fi
  if [ -f "$peak_file" ]; then
    read -r peak_kb processes at <"$peak_file" || true
    log "peak memory of the network's processes: $(( ${peak_kb:-0} / 1024 )) MiB (sum of RSS over ${processes:-0} processes, at ${at:--})"
  fi
  if [ "$reuse" -eq 0 ]; then bash "$root/network/scripts/down.sh" || true; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM   # replaced once the command runs (below)

CARBONTRACE_MEMORY_PEAK_FILE="$peak_file" bash "$root/network/scripts/memory-sampler.sh" 0.5 8>&- 9>&- &
sampler_pid=$!

t0=$(date +%s%N)
if [ "$reuse" -eq 0 ]; then bash "$root/network/scripts/up.sh"; fi
bash "$root/network/scripts/deploy.sh"
log "network up + deploy: $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# The command runs in the background so that a signal to this script is handled at once: the
# command gets SIGTERM, then the EXIT trap brings the network down.
export CARBONTRACE_NETWORK_DIR="$run_dir" CARBONTRACE_NETWORK_CONFIG="$config_dir"
(cd "$root" && exec "$@") 8>&- 9>&- &
command_pid=$!
trap 'kill -TERM "$command_pid" 2>/dev/null; wait "$command_pid" 2>/dev/null; exit 130' INT
trap 'kill -TERM "$command_pid" 2>/dev/null; wait "$command_pid" 2>/dev/null; exit 143' TERM
set +e
wait "$command_pid"
status=$?
set -e
exit "$status"
