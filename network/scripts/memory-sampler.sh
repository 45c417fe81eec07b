#!/usr/bin/env bash
# Samples the resident memory (RSS, from /proc/<pid>/status) of every process recorded in the
# network's pid directory once per interval, and keeps the peak of their sum in <run dir>/memory-peak
# ("<peak kB> <processes at peak> <UTC time>"). Runs until killed; started and stopped by
# with-network.sh (or by hand: memory-sampler.sh & ... kill $!).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interval="${1:-0.5}"
out="${CARBONTRACE_MEMORY_PEAK_FILE:-$state_dir/network-memory-peak}"
peak=0
echo "0 0 -" >"$out"
while true; do
  total=0; count=0
  if [ -d "$pid_dir" ]; then
    for file in "$pid_dir"/*.pid; do
      [ -e "$file" ] || continue
      read -r pid _ <"$file" 2>/dev/null || continue
      rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
      [ -n "$rss" ] || continue
      total=$((total + rss)); count=$((count + 1))
    done
  fi
  if [ "$total" -gt "$peak" ]; then
    peak=$total
    echo "$peak $count $(date -u +%FT%TZ)" >"$out"
  fi
  sleep "$interval"
done
