#!/usr/bin/env bash
# npm run bench [-- --quick] [--json] [--engine-only | --network-only] [--engine-phases a,b]
#   [--network-phases ingestion,traces,ingestion-matrix]
# (root `npm run bench` delegates to the bench workspace's `bench` script, which runs this file)
#
# 1. Python side: a virtual environment in .cache/bench-venv with the pinned pandapower, numpy and
#    scipy (bench/python/requirements.txt), plus numba if it installs cleanly; reused while the
#    requirement files are unchanged.
# 2. Build: tsc -b for the engine, the gateway client and bench/. The venv is .cache/bench-venv
#    (pandapower, lightsim2grid, numpy, scipy; numba optional).
# 3. Engine phase: every measurement in its own process (bench/dist/engine/engine-worker.js, the
#    Python scripts) -> bench-out/engine-results.json. Does not touch the network.
# 4. Network phase, through with-network.sh: reuses a running test network (left running) or
#    starts one and stops it afterwards -> bench-out/network-results.json.
# 5. Report: docs/benchmarks.md (bench-out/benchmarks-quick.md with --quick); with --json the
#    last line of output is the JSON summary.
# Starts nothing that outlives it except what with-network.sh documents; stop with Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { echo "[bench] $*" >&2; }

engine=1; network=1; pass=()
for arg in "$@"; do
  case "$arg" in
    --engine-only) network=0 ;;
    --network-only) engine=0 ;;
    *) pass+=("$arg") ;;
  esac
done

venv="$root/.cache/bench-venv"
stamp="$venv/.requirements.sha256"
want="$(cat bench/python/requirements.txt bench/python/requirements-numba.txt | sha256sum | cut -d' ' -f1)"
if [ "$engine" = 1 ]; then
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "creating the Python environment in .cache/bench-venv (pandapower, lightsim2grid, numpy, scipy; numba optional)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/python/requirements.txt >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/python/requirements-numba.txt >&2 \
      || log "numba did not install; pandapower runs without it"
    echo "$want" >"$stamp"
  fi
  export BENCH_PYTHON="$venv/bin/python"
fi

mkdir -p bench-out
log "building (tsc -b chaincode chaincode/tsconfig.testing.json gateway-client, then tsc -p bench)"
# A type error elsewhere in the tree must not keep the bench from building: tsc -b still emits the
# engine and clients, and bench/ is compiled against their declarations with tsc -p.
npx tsc -b chaincode chaincode/tsconfig.testing.json gateway-client >bench-out/build.log 2>&1 \
  || log "warning: tsc -b reported errors (see bench-out/build.log); using what was emitted"
npx tsc -p bench >>bench-out/build.log 2>&1 \
  || log "warning: tsc -p bench reported errors (see bench-out/build.log); using what was emitted"

export BENCH_COMMAND="npm run bench${*:+ -- $*}"
node_opts=(--max-old-space-size=8192)
if [ "$engine" = 1 ]; then
  node "${node_opts[@]}" bench/dist/run-bench.js --engine-only "${pass[@]}" >&2
else
  rm -f bench-out/engine-results.json
fi
rm -f bench-out/network-results.json
if [ "$network" = 1 ]; then
  reuse=0
  bash network/scripts/status.sh >/dev/null 2>&1 && reuse=1 || true
  if ! CARBONTRACE_REUSE_NETWORK="$reuse" bash network/scripts/with-network.sh \
      node "${node_opts[@]}" bench/dist/run-bench.js --network-only "${pass[@]}" >&2; then
    log "warning: the network phase failed; the report says so"
  fi
fi
node bench/dist/run-bench.js --report-only "${pass[@]}"
