#!/usr/bin/env bash
# Prints each node and chaincode server of the network with its pid, addresses, health and log,
# and the channels with their block heights. Exit code 0 when every recorded process is alive,
# 1 when something is down, 3 when the network is not running. Starts and stops nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ ! -f "$net_json" ] || [ -z "$(running_names)" ]; then
  echo "network: not running (start with: npm run network:up)"
  exit 3
fi
down=0
health() { curl -fsS -o /dev/null "http://$1/healthz" 2>/dev/null && echo healthy || echo unhealthy; }
printf '%-24s %-8s %-16s %-16s %-10s %s\n' NAME PID LISTEN OPERATIONS HEALTH LOG
while IFS=$'\t' read -r name address ops logfile; do
  pid="$(pid_of "$name")"
  if [ -z "$pid" ]; then state=stopped; pid=-; down=1; else state="$(health "$ops")"; fi
  printf '%-24s %-8s %-16s %-16s %-10s %s\n' "$name" "$pid" "$address" "$ops" "$state" "$logfile"
done < <(nj '(.orderers[] | [.name, .address, .operationsAddress, .log]),
             (.orgs[] | select(.peer != null) | .peer | [.name, .address, .operationsAddress, .log]) | @tsv')
while IFS=$'\t' read -r name address logfile; do
  [ -f "$pid_dir/$name.pid" ] || continue
  pid="$(pid_of "$name")"
  if [ -z "$pid" ]; then state=stopped; pid=-; down=1; else state=running; fi
  printf '%-24s %-8s %-16s %-16s %-10s %s\n' "$name" "$pid" "$address" - "$state" "$logfile"
done < <(nj '.orgs[].chaincodeServers[] | [.name, .address, .log] | @tsv')
echo
for channel in $(nj '.channels[].name'); do
  org="$(nj '.channels[] | select(.name == $c) | .peerOrgs[0]' --arg c "$channel")"
  height="$(as_org_admin "$org" peer channel getinfo -c "$channel" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p')"
  committed="$(as_org_admin "$org" peer lifecycle chaincode querycommitted -C "$channel" 2>/dev/null | sed -n 's/^Name: \([^,]*\), Version: [^,]*, Sequence: \([0-9]*\).*/\1 (sequence \2)/p' | paste -sd, -)"
  printf 'channel %-10s members: %-45s height: %-5s chaincode: %s\n' "$channel" \
    "$(nj '.channels[] | select(.name == $c) | (.peerOrgs + .clientOrgs) | join(",")' --arg c "$channel")" "${height:-?}" "${committed:-none}"
done
exit "$down"
