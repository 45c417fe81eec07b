#!/usr/bin/env bash
# Soak of the running network: the main job over many intervals of the measured data set, with
# measurement ingestion beside it and a fault schedule spread through the run; every process's
# memory sampled, the ledger's growth per slot, and the regulator's audit at the end.
#   npm run soak [-- --slots 500]        starts a network (with-network.sh), soaks, stops it
#   bash network/scripts/soak.sh [...]   on a network that is already up (the integration test)
# Options: --slots N (default 500), --from TS (first interval, ISO 8601 with offset), --data DIR
# (default data/case33bw-week), --faults LIST (comma-separated case@slot, cases: peer-lv,
# peer-regulator, peer-gridco, orderer, leader; "none" for none; default five spread evenly),
# --sample-s S (memory sampling period, default 5), --out DIR (default .run/soak).
# Writes DIR/memory.tsv (t, process, pid, rss kB), DIR/job.{json,log}, DIR/ingest.json,
# DIR/audit.json, DIR/faults.tsv and DIR/soak.md (the tables), prints soak.md and one JSON summary
# line last. Exit 0 when every interval was traced, the audit is clean and no measurement failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fault-lib.sh"
slots=500
from=""
data="$root/data/case33bw-week"
faults="default"
sample_s=5
out="$state_dir/soak"
while [ $# -gt 0 ]; do
  case "$1" in
    --slots) slots="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --faults) faults="$2"; shift 2 ;;
    --sample-s) sample_s="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) die "soak: unknown option $1 (see the header of network/scripts/soak.sh)" ;;
  esac
done
[[ "$slots" =~ ^[1-9][0-9]*$ ]] || die "soak: --slots needs a whole number (got $slots)"
network_is_up || die "soak: no network is running (npm run soak starts one; or npm run network:up && npm run network:deploy)"
driver="$root/gateway-client/dist/job/run-main-job.js"
cli="$root/gateway-client/dist/cli/main.js"
ingest="$root/gateway-client/dist/process/ingest-load.js"
[ -f "$driver" ] && [ -f "$cli" ] && [ -f "$ingest" ] || die "soak: build first (npx tsc -b)"
if [ "$faults" = default ]; then
  faults="peer-lv@$((slots / 6 + 1)),orderer@$((slots * 2 / 6 + 1)),peer-regulator@$((slots * 3 / 6 + 1)),leader@$((slots * 4 / 6 + 1)),peer-gridco@$((slots * 5 / 6 + 1))"
fi
[ "$faults" = none ] && faults=""
rm -rf "$out" && mkdir -p "$out"

peer_of() { nj '.orgs[] | select(.name == $o) | .peer.name' --arg o "$1"; }
peer_log_of() { nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$1"; }
orderer_log_of() { nj '.orderers[] | select(.name == $n) | .log' --arg n "$1"; }
ledger_bytes() { du -sb "$run_dir/nodes" | cut -f1; }

# fault <case>: kills one node and restarts it 10 s later the same way (in the background).
fault() {
  local name logfile
  case "$1" in
    peer-lv) name="$(peer_of Lv1b)"; logfile="$(peer_log_of Lv1b)" ;;
    peer-regulator) name="$(peer_of Regulator)"; logfile="$(peer_log_of Regulator)" ;;
    peer-gridco) name="$(peer_of GridCo)"; logfile="$(peer_log_of GridCo)" ;;
    orderer | leader)
      local leader
      leader="$(bft_leader master)"
      if [ "$1" = leader ] && [ -n "$leader" ]; then name="$leader"
      else name="$(nj '.orderers[].name' | grep -vx "${leader:-none}" | head -n 1)"; fi
      logfile="$(orderer_log_of "$name")" ;;
    *) die "soak: unknown fault $1" ;;
  esac
  save_node_command "$name"
  printf '%s\t%s\t%s\n' "$(kill_node "$name")" "$1" "$name" >>"$out/faults.tsv"
  ( sleep 10; restart_node "$name" "$logfile" ) &
}

# memory sampler: every process of the network (pid files) plus the job and the ingestion
sample_memory() {
  local t name pid rss file
  while true; do
    t="$(date +%s)"
    for file in "$pid_dir"/*.pid "$out"/*.pid; do
      [ -e "$file" ] || continue
      read -r pid _ <"$file" 2>/dev/null || continue
      name="$(basename "$file" .pid)"
      rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || continue
      [ -n "$rss" ] && printf '%s\t%s\t%s\t%s\n' "$t" "$name" "$pid" "$rss" >>"$out/memory.tsv"
    done
    sleep "$sample_s"
  done
}

ledger_before="$(ledger_bytes)"
t0="$(date +%s)"
node "$ingest" --channel slave-hv2 --lv Lv2a,Lv2b >"$out/ingest.json" 2>"$out/ingest.log" &
ingest_pid=$!
echo "$ingest_pid node" >"$out/ingest.pid"
job_args=(--data "$data" --slots "$slots" --json --out "$out/job" --slot-seconds 0)
[ -z "$from" ] || job_args+=(--from "$from")
node "$driver" "${job_args[@]}" >"$out/job.json" 2>"$out/job.log" &
job_pid=$!
echo "$job_pid node" >"$out/main-job.pid"
sample_memory &
sampler=$!
trap 'kill "$sampler" "$ingest_pid" "$job_pid" 2>/dev/null || true' EXIT
log "soak: $slots interval(s) from ${from:-the first interval of the data}, ingestion beside it, faults: ${faults:-none}"

IFS=',' read -r -a schedule <<<"$faults"
for entry in "${schedule[@]}"; do
  [ -n "$entry" ] || continue
  case_name="${entry%@*}"; at="${entry#*@}"
  until grep -q "\[slot $at/" "$out/job.log" 2>/dev/null || ! alive "$job_pid"; do sleep 0.5; done
  alive "$job_pid" || break
  log "soak: slot $at: fault $case_name"
  fault "$case_name"
done
job_status=0
wait "$job_pid" || job_status=$?
kill -TERM "$ingest_pid" 2>/dev/null || true
wait "$ingest_pid" 2>/dev/null || true
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
trap - EXIT
t1="$(date +%s)"
ledger_after="$(ledger_bytes)"

summary="$(tail -n 1 "$out/job.json" 2>/dev/null || echo '{}')"
traces="$(jq -r '.traces // 0' <<<"$summary" 2>/dev/null || echo 0)"
accepted="$(jq -r '.tracesAccepted // 0' <<<"$summary" 2>/dev/null || echo 0)"
audit="not run"
audit_clean=false
if [ -f "$out/job/report.json" ]; then
  first="$(jq -r '.firstSlot' "$out/job/report.json")"
  last="$(jq -r '[.slots[].slot] | max' "$out/job/report.json")"
  # measured-data slots are minutes since 1970: consecutive intervals differ by their length
  step="$(jq -r '[.slots[].slot] | unique | if length > 1 then .[1] - .[0] else 1 end' "$out/job/report.json")"
  if node "$cli" regulator audit --from "$first" --to "$last" --step "$step" --json >"$out/audit.json" 2>"$out/audit.log"; then
    audit="clean ($(jq -r '[.slots[] | select(.ok)] | length' "$out/audit.json") slot traces)"
    audit_clean=true
  else
    audit="$(jq -r '"\(.findings | length) finding(s), first: \(.findings[0].kind) \(.findings[0].detail)"' "$out/audit.json" 2>/dev/null || tail -n 1 "$out/audit.log")"
  fi
fi
ingest_committed="$(jq -r '.committed // 0' "$out/ingest.json" 2>/dev/null || echo 0)"
ingest_failed="$(jq -r '.failed // 0' "$out/ingest.json" 2>/dev/null || echo 0)"
growth_per_slot=$(( (ledger_after - ledger_before) / slots ))

# memory: per process life (name, pid), samples after the first 10 % of the run; least-squares
# slope in MiB per hour, and the rise it implies over the sampled span relative to the mean
awk -F'\t' -v t0="$t0" -v t1="$t1" '
  { if ($1 < t0 + 0.1 * (t1 - t0)) next
    k = $2 "\t" $3; n[k]++; x = $1 - t0; y = $4 / 1024
    sx[k] += x; sy[k] += y; sxx[k] += x * x; sxy[k] += x * y
    if (!(k in lo) || x < lo[k]) lo[k] = x; if (!(k in hi) || x > hi[k]) hi[k] = x
    if (!(k in mx) || y > mx[k]) mx[k] = y }
  END { for (k in n) { if (n[k] < 5) continue
      d = n[k] * sxx[k] - sx[k] * sx[k]; slope = d == 0 ? 0 : (n[k] * sxy[k] - sx[k] * sy[k]) / d
      mean = sy[k] / n[k]; rise = slope * (hi[k] - lo[k])
      printf "%s\t%d\t%.1f\t%.1f\t%.2f\t%.1f\n", k, n[k], mean, mx[k], slope * 3600, (mean > 0 ? 100 * rise / mean : 0) } }' \
  "$out/memory.tsv" | sort >"$out/slopes.tsv"

{
  echo "## Soak: $slots intervals of $(basename "$data")${from:+ from $from}, $(( t1 - t0 )) s"
  echo
  echo "| traces accepted | job | ingestion beside it | faults | audit | ledger growth per slot (all peers) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| $accepted/$traces | exit $job_status | $ingest_committed committed, $ingest_failed failed | $(cut -f2 "$out/faults.tsv" 2>/dev/null | paste -sd, - | sed 's/,/, /g') | $audit | $growth_per_slot bytes |"
  echo
  echo "Memory per process life (samples after the first 10 % of the run; slope by least squares):"
  echo
  echo "| process | pid | samples | mean MiB | max MiB | slope MiB/h | rise over the span |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s %% |\n", $1, $2, $3, $4, $5, $6, $7 }' "$out/slopes.tsv"
} >"$out/soak.md"
cat "$out/soak.md"
ok=true
[ "$job_status" -eq 0 ] && [ "$accepted" = "$traces" ] && [ "$traces" -gt 0 ] && $audit_clean && [ "$ingest_failed" -eq 0 ] || ok=false
jq -cn --argjson slots "$slots" --argjson traces "$traces" --argjson accepted "$accepted" --argjson job "$job_status" \
  --argjson committed "$ingest_committed" --argjson failed "$ingest_failed" --arg audit "$audit" \
  --argjson clean "$audit_clean" --argjson growth "$growth_per_slot" --argjson seconds "$(( t1 - t0 ))" \
  --argjson ok "$ok" --arg out "$out" \
  '{slots: $slots, traces: $traces, tracesAccepted: $accepted, jobExit: $job, ingestCommitted: $committed,
    ingestFailed: $failed, audit: $audit, auditClean: $clean, ledgerGrowthPerSlotBytes: $growth,
    seconds: $seconds, ok: $ok, out: $out}'
$ok
