#!/usr/bin/env bash
# npm start: carbontrace's main job on a fresh machine.
#   1. installs what is missing: npm packages (npm ci); builds (npx tsc -b)
#   2. checks the arguments and the data set (--help prints the usage), then the Fabric programs
#      (install-fabric.sh, cached)
#   3. starts the test network (up.sh) unless one is already running, and deploys the chaincodes
#   4. runs the main job (gateway-client/dist/job/run-main-job.js): a day of hourly traces of
#      case33bw split between the two HV substations, with two honest cloud providers and one that
#      cheats now and then; writes out/report.json and out/report.md
#   5. stops the network it started, unless --keep is given (a network that was already running is
#      left running).
# Usage: npm start -- [--data DIR [--from TS]] [--slots N] [--json] [--keep] [--out DIR] [--case FILE] [--slot-seconds S]
#                     [--topology FILE]   (FILE: e.g. test-network-config/topology.multihost.json;
#                                          a multi-host topology runs its hosts in network namespaces, as root)
# (npm start -- --help prints the usage; the arguments and the data set are checked before any
# network is started, and bad ones exit 2.)
# With --json the last line on stdout is one JSON summary object; everything else goes to stderr.
# Stop a kept network with: npm run network:down
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { echo "[start] $*" >&2; }

keep=0
topology_args=()
job_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1; job_args+=("$1"); shift ;;
    --topology)
      [ -n "${2:-}" ] || { log "error: --topology needs a file"; exit 2; }
      [ -f "$2" ] || { log "error: topology file $2 not found"; exit 2; }
      topology_args=(--topology "$2"); shift 2 ;;
    *) job_args+=("$1"); shift ;;
  esac
done
set -- "${job_args[@]}"

if [ ! -d "$root/node_modules/@hyperledger/fabric-gateway" ] || [ ! -d "$root/node_modules/fabric-shim" ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

log "building (npx tsc -b)"
mkdir -p "$root/.run"
if ! npx tsc -b >"$root/.run/start-build.log" 2>&1; then
  log "warning: the build reported errors (see .run/start-build.log); continuing with what was emitted"
fi
driver="$root/gateway-client/dist/job/run-main-job.js"
[ -f "$driver" ] || { log "error: $driver was not built (see .run/start-build.log)"; exit 1; }

# Arguments (and --data) are checked before anything starts; --help answers here.
for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    node "$driver" --help
    exit 0
  fi
done
node "$driver" --check "$@" || exit $?

log "checking Fabric programs"
bash "$root/network/scripts/install-fabric.sh" >/dev/null

started=0
stop_network() {
  local status=$?
  if [ "$started" -eq 1 ] && [ "$keep" -eq 0 ]; then
    log "stopping the network (npm run network:down)"
    bash "$root/network/scripts/down.sh" >&2 || log "warning: network down reported an error"
  elif [ "$started" -eq 1 ]; then
    log "--keep: the network stays up (stop it with: npm run network:down)"
  fi
  exit "$status"
}
trap stop_network EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

network_state=0
bash "$root/network/scripts/status.sh" >/dev/null 2>&1 || network_state=$?
if [ "$network_state" -ne 3 ]; then
  log "a network is already running; using it (it is left running afterwards)"
else
  log "starting the network (npm run network:up)"
  started=1
  bash "$root/network/scripts/up.sh" "${topology_args[@]}" >&2
fi
log "deploying the chaincodes (npm run network:deploy)"
bash "$root/network/scripts/deploy.sh" >&2

log "running the main job"
node "$driver" "$@"
