#!/usr/bin/env bash
# Shared helpers for the network scripts (sourced, not run). Everything the network writes lives in
# the run directory: $CARBONTRACE_NETWORK_DIR, default <repo>/.run/network:
#   config/   generated configuration (network.json, MSPs, TLS, genesis blocks, connection profiles)
#   nodes/    ledgers and consensus WAL per node      logs/  one log per process
#   pids/     one <name>.pid per process ("<pid> <program>")
#   chaincode/ ccaas packages and chaincode server module directories

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run_dir="$(realpath -m "${CARBONTRACE_NETWORK_DIR:-$root/.run/network}")"
# Lock files and the memory-peak file live beside the run directory (default: .run/).
state_dir="$(dirname "$run_dir")"
config_dir="$run_dir/config"
net_json="$config_dir/network.json"
pid_dir="$run_dir/pids"
log_dir="$run_dir/logs"
fabric_bin="${CARBONTRACE_FABRIC_BIN:-$root/.cache/fabric/bin}"
export FABRIC_CFG_PATH="$root/.cache/fabric/sampleconfig"
export PATH="$fabric_bin:$PATH"

log() { echo "[network] $*" >&2; }
die() { echo "[network] error: $*" >&2; exit 1; }

# nj <jq-filter> [jq-args...]: query network.json.
nj() { local filter="$1"; shift; jq -r "$@" "$filter" "$net_json"; }

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH (Fabric programs: npm run network:install)"
  done
}

# pid_of <name>: prints the pid of a live process we started under <name>, or nothing.
# A pid file whose process is gone, or whose pid now belongs to another program, counts as not running.
pid_of() {
  local file="$pid_dir/$1.pid" pid program
  [ -f "$file" ] || return 0
  read -r pid program <"$file" || true
  [ -n "${pid:-}" ] || return 0
  if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$program"; then
    echo "$pid"
  fi
}

# running_names: names of every live process recorded in the pid directory.
running_names() {
  local file name
  [ -d "$pid_dir" ] || return 0
  for file in "$pid_dir"/*.pid; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .pid)"
    [ -n "$(pid_of "$name")" ] && echo "$name"
  done
  return 0
}

# lock_network <action>: serializes up, deploy and down of this run directory (flock on
# <state dir>/network.lock, fd 8). Outside a with-network.sh run, also refuses to touch the network while
# a with-network.sh run (npm run test:integration) is using it, instead of pulling it away.
lock_network() {
  [ "${CARBONTRACE_NETWORK_LOCKED:-0}" = "1" ] && return 0   # a parent script holds the lock
  mkdir -p "$state_dir"
  if [ "${CARBONTRACE_IN_WITH_NETWORK:-0}" != "1" ] && [ -e "$state_dir/with-network.lock" ] \
      && ! flock -n "$state_dir/with-network.lock" true; then
    die "a with-network.sh run (npm run test:integration) is using the network; not running $1 now (retry when it ends)"
  fi
  exec 8>"$state_dir/network.lock"
  if ! flock -n 8; then
    log "another network command is running; waiting for it before $1"
    flock -w 900 8 || die "timed out waiting for $state_dir/network.lock"
  fi
  export CARBONTRACE_NETWORK_LOCKED=1
}

# network_is_up: true when processes we started are alive, or the compose network is up.
network_is_up() {
  [ -f "$net_json" ] && { [ -n "$(running_names)" ] || [ -f "$run_dir/compose-mode" ]; }
}

# start_process <name> <log> <program> [args...]: runs the program detached (own session), output
# appended to <log>, with the caller's environment plus the assignments in the array node_env.
start_process() {
  local name="$1" logfile="$2" program="$3"; shift 3
  mkdir -p "$pid_dir" "$(dirname "$logfile")"
  local -a in_netns=()
  read -r -a in_netns < <(netns_prefix "$name")
  echo "=== $(date -u +%FT%TZ) starting $name${in_netns[*]:+ (${in_netns[*]})}: $program $*" >>"$logfile"
  setsid "${in_netns[@]}" env "${node_env[@]}" "$program" "$@" >>"$logfile" 2>&1 </dev/null 8>&- 9>&- &
  echo "$! $program" >"$pid_dir/$name.pid"
}

# netns_prefix <name>: on a multi-host network in namespaces (netns.sh up), prints
# "ip netns exec <namespace of the node's host>" for a node or chaincode server; else nothing.
netns_prefix() {
  [ -f "$run_dir/netns.made" ] && [ -f "$net_json" ] || { echo; return 0; }
  local ns
  ns="$(nj '. as $net | (.orderers[], (.orgs[] | select(.peer != null) | .peer), .orgs[].chaincodeServers[])
    | select(.name == $n) | .host as $h | $net.hosts[] | select(.name == $h) | .netns // empty' --arg n "$1")"
  if [ -n "$ns" ]; then echo "ip netns exec $ns"; else echo; fi
}

# alive <pid>: the process exists and is not a zombie. (Our processes are re-parented to PID 1
# when the script that started them exits; in containers PID 1 may never reap them, so an exited
# process can linger as a zombie that `kill -0` still finds.)
alive() {
  local state
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)"
  [ -n "$state" ] && [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# stop_process <name>: SIGTERM, wait up to 10 s, then SIGKILL; removes the pid file.
stop_process() {
  local name="$1" pid i
  pid="$(pid_of "$name")"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      log "$name (pid $pid) did not stop in 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_dir/$name.pid"
}

# wait_healthy <name> <operations host:port> <log> [timeout s]: polls /healthz until it answers
# 200; fails early (with the log's tail) when the process dies.
wait_healthy() {
  local name="$1" ops="$2" logfile="$3" timeout="${4:-60}" i
  for i in $(seq 1 $((timeout * 4))); do
    if [ -z "$(pid_of "$name")" ]; then
      echo "[network] $name exited during start-up; its log is $logfile; last lines:" >&2
      tail -n 15 "$logfile" >&2 || true
      return 1
    fi
    if curl -fsS -o /dev/null "http://$ops/healthz" 2>/dev/null; then
      return 0
    fi
    sleep 0.25
  done
  echo "[network] $name did not report healthy on http://$ops/healthz within ${timeout}s; its log is $logfile" >&2
  tail -n 15 "$logfile" >&2 || true
  return 1
}

# wait_port <name> <host:port> <log> [timeout s]: waits until a TCP port accepts connections.
wait_port() {
  local name="$1" address="$2" logfile="$3" timeout="${4:-30}" i
  for i in $(seq 1 $((timeout * 4))); do
    if [ -z "$(pid_of "$name")" ]; then
      echo "[network] $name exited during start-up; its log is $logfile; last lines:" >&2
      tail -n 15 "$logfile" >&2 || true
      return 1
    fi
    if (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null; then
      return 0
    fi
    sleep 0.25
  done
  echo "[network] $name did not listen on $address within ${timeout}s; its log is $logfile" >&2
  return 1
}

# as_org_admin <org name> <command...>: runs a peer CLI command as the org's admin against its peer.
as_org_admin() {
  local org="$1"; shift
  local msp admin_msp address tlsca
  msp="$(nj '.orgs[] | select(.name == $o) | .mspId' --arg o "$org")"
  admin_msp="$(nj '.orgs[] | select(.name == $o) | .users.admin.mspDir' --arg o "$org")"
  address="$(nj '.orgs[] | select(.name == $o) | .peer.address' --arg o "$org")"
  tlsca="$(nj '.orgs[] | select(.name == $o) | .tlsCaCert' --arg o "$org")"
  env CORE_PEER_LOCALMSPID="$msp" CORE_PEER_MSPCONFIGPATH="$admin_msp" CORE_PEER_ADDRESS="$address" \
    CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_ROOTCERT_FILE="$tlsca" FABRIC_LOGGING_SPEC=warning "$@"
}

# orderer_cli_args: the flags peer CLI commands need to reach the first orderer over TLS.
orderer_cli_args() {
  echo "-o $(nj '.orderers[0].address') --tls --cafile $(nj '.ordererOrg.tlsCaCert')"
}
