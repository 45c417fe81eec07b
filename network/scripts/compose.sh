#!/usr/bin/env bash
# The test network on Docker, with the official Fabric images (network/docker-compose.yaml),
# for users who have a Docker engine. Not used by CI.
#   compose.sh up     generate configuration, `docker compose up -d` the 4 orderers and 8 peers,
#                     wait on /healthz, join channels. Then deploy with: npm run network:deploy
#                     (chaincode servers run as local Node processes, as without Docker).
#   compose.sh down   stop chaincode servers, `docker compose down -v`, remove the run state.
# The host still needs the Fabric CLIs (npm run network:install) for configuration and admin.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
compose_file="$root/network/docker-compose.yaml"
export CARBONTRACE_ROOT="$root"
command -v docker >/dev/null 2>&1 || die "docker not found; without Docker use npm run network:up"

case "${1:-}" in
  up)
    [ -f "$run_dir/compose-mode" ] && die "the compose network is already up; stop it with: bash network/scripts/compose.sh down"
    [ -z "$(running_names)" ] || die "the Docker-free network is running; stop it with: npm run network:down"
    bash "$root/network/scripts/install-fabric.sh" >/dev/null
    rm -rf "$config_dir" && mkdir -p "$log_dir"
    bash "$root/test-network-config/generate.sh" --out "$config_dir"
    touch "$run_dir/compose-mode"
    docker compose -f "$compose_file" up -d
    for ops in $(nj '.orderers[].operationsAddress, (.orgs[] | select(.peer != null) | .peer.operationsAddress)'); do
      for i in $(seq 1 240); do
        curl -fsS -o /dev/null "http://$ops/healthz" 2>/dev/null && break
        [ "$i" -eq 240 ] && die "node with operations address $ops is not healthy; see: docker compose -f $compose_file logs"
        sleep 0.25
      done
    done
    bash "$root/network/scripts/join-channels.sh"
    log "compose network up; deploy with: npm run network:deploy; stop with: bash network/scripts/compose.sh down"
    ;;
  down)
    bash "$root/network/scripts/down.sh"   # stops chaincode servers and, in compose mode, the containers
    ;;
  *)
    die "usage: compose.sh up|down"
    ;;
esac
