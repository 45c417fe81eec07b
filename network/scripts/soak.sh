#!/usr/bin/env bash
# Soak of the running network: the main job over many intervals of the measured data set, with
# measurement ingestion beside it and a fault schedule spread through the run; every process's
# memory sampled, the ledger's growth per slot, and the regulator's audit at the end.
#   npm run soak [-- --slots 500]        starts a network (with-network.sh), soaks, stops it
#   bash network/scripts/soak.sh [...]   on a network that is already up (the integration test)
# Options: --slots N (default 500), --from TS (first interval, ISO 8601 with offset), --data DIR
# (default data/case33bw-week), --faults LIST (comma-separated case@slot, cases: peer-lv,
# peer-regulator, peer-gridco, orderer, leader; "none" for none; default five spread evenly),
# --sample-s S (memory sampling period, default 5), --out DIR (default .run/soak), --ingest LIST
# (slave channels whose LV substations submit readings beside the job, default slave-hv2; "all":
# every slave channel, so that every channel's ledger grows).
# Writes DIR/memory.tsv (t, process, pid, rss kB), DIR/job.{json,log}, DIR/ingest.json,
# DIR/heap.tsv (t, node, Go heap in use bytes, goroutines; when the nodes serve /metrics),
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
ingest_channels="slave-hv2"
while [ $# -gt 0 ]; do
  case "$1" in
    --slots) slots="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --faults) faults="$2"; shift 2 ;;
    --sample-s) sample_s="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --ingest) ingest_channels="$2"; shift 2 ;;
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
: >"$out/memory.tsv"
: >"$out/heap.tsv"
: >"$out/faults.tsv"

peer_of() { nj '.orgs[] | select(.name == $o) | .peer.name' --arg o "$1"; }
peer_log_of() { nj '.orgs[] | select(.name == $o) | .peer.log' --arg o "$1"; }
orderer_log_of() { nj '.orderers[] | select(.name == $n) | .log' --arg n "$1"; }
# du reports files that LevelDB compacts away while it counts, and exits 1: count what it saw
ledger_bytes() { { du -sb "$run_dir/nodes" 2>/dev/null || true; } | cut -f1; }
# whole <value>: the value when it is a whole number, else 0 (a job or tool that died early)
whole() { if [[ "${1:-}" =~ ^-?[0-9]+$ ]]; then echo "$1"; else echo 0; fi; }

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
    # Go heap and goroutines of every orderer and peer, when their operations endpoints serve
    # Prometheus metrics (npm run soak starts the network with CARBONTRACE_METRICS_PROVIDER=prometheus)
    while IFS=$'\t' read -r name ops; do
      curl -fsS --max-time 2 "http://$ops/metrics" 2>/dev/null \
        | awk -v t="$t" -v n="$name" '$1 == "go_memstats_heap_inuse_bytes" { h = $2 } $1 == "go_goroutines" { g = $2 }
            END { if (h != "") printf "%s\t%s\t%.0f\t%.0f\n", t, n, h, g }' >>"$out/heap.tsv" || true
    done < <(nj '(.orderers[] | [.name, .operationsAddress]), (.orgs[] | select(.peer != null) | .peer | [.name, .operationsAddress]) | @tsv')
    sleep "$sample_s"
  done
}

ledger_before="$(whole "$(ledger_bytes)")"
t0="$(date +%s)"
[ "$ingest_channels" = all ] && ingest_channels="$(nj '[.channels[] | select(.kind == "slave") | .name] | join(",")')"
ingest_pids=()
IFS=',' read -r -a ingest_list <<<"$ingest_channels"
for channel in "${ingest_list[@]}"; do
  lvs="$(nj '[.channels[] | select(.name == $c) | .peerOrgs[]] as $members
    | [.orgs[] | select(.role == "lvSubstation" and ([.name] | inside($members))) | .name] | join(",")' --arg c "$channel")"
  [ -n "$lvs" ] || die "soak: --ingest names $channel, which is not a slave channel with LV substations"
  # one JSON result per channel; the first keeps the name ingest.json (the summary reads them all)
  suffix="${channel#slave-}"; [ "$channel" = "${ingest_list[0]}" ] && suffix=""
  node "$ingest" --channel "$channel" --lv "$lvs" >"$out/ingest${suffix:+-$suffix}.json" 2>"$out/ingest${suffix:+-$suffix}.log" &
  ingest_pids+=($!)
  echo "$! node" >"$out/ingest${suffix:+-$suffix}.pid"
done
job_args=(--data "$data" --slots "$slots" --json --out "$out/job" --slot-seconds 0)
[ -z "$from" ] || job_args+=(--from "$from")
node "$driver" "${job_args[@]}" >"$out/job.json" 2>"$out/job.log" &
job_pid=$!
echo "$job_pid node" >"$out/main-job.pid"
sample_memory &
sampler=$!
trap 'kill "$sampler" "${ingest_pids[@]}" "$job_pid" 2>/dev/null || true' EXIT
log "soak: $slots interval(s) from ${from:-the first interval of the data}, ingestion beside it on $ingest_channels, faults: ${faults:-none}"

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
kill -TERM "${ingest_pids[@]}" 2>/dev/null || true
wait "${ingest_pids[@]}" 2>/dev/null || true
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
trap - EXIT
t1="$(date +%s)"
# keep the nodes' logs with the soak's output (npm run soak removes the run directory afterwards)
mkdir -p "$out/logs" && cp "$log_dir"/*.log "$out/logs/" 2>/dev/null || true
ledger_after="$(whole "$(ledger_bytes)")"

summary="$(tail -n 1 "$out/job.json" 2>/dev/null || echo '{}')"
# why the job failed, in its own words (its last line of stderr), for the table and the summary
job_error=""
[ "$job_status" -eq 0 ] || job_error="$(grep -v '^\s*$' "$out/job.log" 2>/dev/null | tail -n 1 | cut -c1-1000 || true)"
traces="$(whole "$(jq -r '.traces // 0' <<<"$summary" 2>/dev/null || true)")"
accepted="$(whole "$(jq -r '.tracesAccepted // 0' <<<"$summary" 2>/dev/null || true)")"
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
ingest_committed="$(whole "$(jq -s '[.[].committed // 0] | add // 0' "$out"/ingest*.json 2>/dev/null || true)")"
ingest_failed="$(whole "$(jq -s '[.[].failed // 0] | add // 0' "$out"/ingest*.json 2>/dev/null || true)")"
growth_per_slot=$(( (ledger_after - ledger_before) / slots ))

# fit_slopes <key columns> <value column> <value units per MiB> [<first/last column>] < samples.tsv
# Per key (column 2, or columns 2 and 3), samples after the first 10 % of the run: count, mean and
# max of the value in MiB, the least-squares slope in MiB per hour, the rise it implies over the
# sampled span relative to the mean, [the first and last value of a further column,] and the slope
# over the second half of the run alone (caches that fill and then stay full, such as Fabric's
# 50 MiB block cache per channel ledger, rise early and level off: docs/reliability.md).
fit_slopes() {
  awk -F'\t' -v t0="$t0" -v t1="$t1" -v keys="$1" -v col="$2" -v per_mib="$3" -v edge="${4:-0}" '
    function fit(n, sx, sy, sxx, sxy,   d) { d = n * sxx - sx * sx; return (n < 5 || d == 0) ? "-" : 3600 * (n * sxy - sx * sy) / d }
    { if ($1 < t0 + 0.1 * (t1 - t0)) next
      k = keys == 2 ? $2 "\t" $3 : $2; n[k]++; x = $1 - t0; y = $col / per_mib
      sx[k] += x; sy[k] += y; sxx[k] += x * x; sxy[k] += x * y
      if ($1 >= t0 + 0.5 * (t1 - t0)) { n2[k]++; sx2[k] += x; sy2[k] += y; sxx2[k] += x * x; sxy2[k] += x * y }
      if (!(k in lo) || x < lo[k]) lo[k] = x; if (!(k in hi) || x > hi[k]) hi[k] = x
      if (!(k in mx) || y > mx[k]) mx[k] = y
      if (edge) { if (!(k in g0)) g0[k] = $edge; g1[k] = $edge } }
    END { for (k in n) { if (n[k] < 5) continue
        slope = fit(n[k], sx[k], sy[k], sxx[k], sxy[k]); if (slope == "-") slope = 0
        half = fit(n2[k], sx2[k], sy2[k], sxx2[k], sxy2[k]); if (half != "-") half = sprintf("%.2f", half)
        mean = sy[k] / n[k]; rise = slope / 3600 * (hi[k] - lo[k])
        printf "%s\t%d\t%.1f\t%.1f\t%.2f\t%.1f", k, n[k], mean, mx[k], slope, (mean > 0 ? 100 * rise / mean : 0)
        if (edge) printf "\t%s\t%s", g0[k], g1[k]
        printf "\t%s\n", half } }'
}
# memory: per process life (name, pid; RSS in kB)
fit_slopes 2 4 1024 <"$out/memory.tsv" | sort >"$out/slopes.tsv"
# Go heap in use (bytes) and goroutines per node (all lives of a node together: a restart starts low)
fit_slopes 1 3 1048576 4 <"$out/heap.tsv" | sort >"$out/heap-slopes.tsv"

{
  echo "## Soak: $slots intervals of $(basename "$data")${from:+ from $from}, $(( t1 - t0 )) s"
  echo
  echo "| traces accepted | job | ingestion beside it | faults | audit | ledger growth per slot (all peers) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| $accepted/$traces | exit $job_status | $ingest_committed committed, $ingest_failed failed | $(cut -f2 "$out/faults.tsv" 2>/dev/null | paste -sd, - | sed 's/,/, /g') | $audit | $growth_per_slot bytes |"
  [ -z "$job_error" ] || { echo; echo "The job failed: \`$job_error\`"; }
  echo
  echo "Memory per process life (samples after the first 10 % of the run; slope by least squares):"
  echo
  echo "| process | pid | samples | mean MiB | max MiB | slope MiB/h | rise over the span | slope, 2nd half, MiB/h |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s %% | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$out/slopes.tsv"
  if [ -s "$out/heap-slopes.tsv" ]; then
    echo
    echo "Go heap in use per Fabric node (go_memstats_heap_inuse_bytes from /metrics; all lives of a node):"
    echo
    echo "| node | samples | mean MiB | max MiB | slope MiB/h | rise over the span | goroutines first → last | slope, 2nd half, MiB/h |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s %% | %s → %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$out/heap-slopes.tsv"
  fi
  echo
  echo "Block files per channel at the end (orderer0; Fabric keeps the newest blocks of each channel"
  echo "ledger in memory up to 50 MiB of block bytes, so a node's heap grows with its ledgers until then):"
  echo
  echo "| channel | block files, MiB | in the block cache (≤ 50 MiB), MiB |"
  echo "| --- | ---: | ---: |"
  for dir in "$run_dir"/nodes/orderer0/ledger/chains/*/; do
    [ -d "$dir" ] || continue
    bytes="$(whole "$({ du -sb "$dir" 2>/dev/null || true; } | cut -f1)")"
    awk -v c="$(basename "$dir")" -v b="$bytes" 'BEGIN { m = b / 1048576; printf "| %s | %.1f | %.1f |\n", c, m, (m < 50 ? m : 50) }'
  done
} >"$out/soak.md"
cat "$out/soak.md"
ok=true
[ "$job_status" -eq 0 ] && [ "$accepted" = "$traces" ] && [ "$traces" -gt 0 ] && $audit_clean && [ "$ingest_failed" -eq 0 ] || ok=false
jq -cn --argjson slots "$slots" --argjson traces "$traces" --argjson accepted "$accepted" --argjson job "$job_status" \
  --argjson committed "$ingest_committed" --argjson failed "$ingest_failed" --arg audit "$audit" --arg jobError "$job_error" \
  --argjson clean "$audit_clean" --argjson growth "$growth_per_slot" --argjson seconds "$(( t1 - t0 ))" \
  --argjson ok "$ok" --arg out "$out" \
  '{slots: $slots, traces: $traces, tracesAccepted: $accepted, jobExit: $job, jobError: $jobError, ingestCommitted: $committed,
    ingestFailed: $failed, audit: $audit, auditClean: $clean, ledgerGrowthPerSlotBytes: $growth,
    seconds: $seconds, ok: $ok, out: $out}'
$ok
