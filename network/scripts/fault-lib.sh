#!/usr/bin/env bash
# Helpers for the fault scripts (failover.sh, chaos.sh; sourced after lib.sh, not run):
# finding the BFT leader from the orderers' logs, killing a node by its recorded pid, and
# measuring a stall from the peers' "Committed block" log lines.

# strip_colors: removes the ANSI colour codes Fabric writes into its logs.
strip_colors() { sed 's/\x1b\[[0-9;]*m//g'; }

# bft_leader <channel>: the name of the orderer that the live orderers last reported as the
# channel's leader ("Changing to leader|follower role, current view: V, current leader: L" lines of
# SmartBFT), taking the highest view any live orderer reports. Prints nothing when none is known.
bft_leader() {
  local channel="$1" i name logfile best_view=-1 best_leader="" view leader
  for i in $(seq 0 $(($(nj '.orderers | length') - 1))); do
    name="$(nj ".orderers[$i].name")"
    [ -n "$(pid_of "$name")" ] || continue
    logfile="$(nj ".orderers[$i].log")"
    read -r view leader < <(strip_colors <"$logfile" \
      | sed -n "s/.*current view: \([0-9]*\), current leader: \([0-9]*\) channel=$channel\$/\1 \2/p" | tail -n 1) || true
    if [ -n "${view:-}" ] && [ "$view" -gt "$best_view" ]; then best_view="$view"; best_leader="$leader"; fi
    view=""; leader=""
  done
  [ -n "$best_leader" ] && nj '.orderers[] | select(.id == ($l | tonumber)) | .name' --arg l "$best_leader"
  return 0
}

# kill_node <name>: SIGKILL of a process we started (by its pid file); prints the kill time
# (epoch seconds with milliseconds).
kill_node() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] || die "cannot kill $1: it is not running"
  kill -KILL "$pid"
  date +%s.%3N
}

# save_node_command <name>: keeps a node's command line and environment (from /proc) so that
# restart_node <name> <log> can start it again the same way (in its host's namespace, if any).
save_node_command() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || die "cannot save the command of $name: it is not running"
  mkdir -p "$pid_dir/saved"
  cp "/proc/$pid/cmdline" "$pid_dir/saved/$name.cmdline"
  cp "/proc/$pid/environ" "$pid_dir/saved/$name.environ"
  read -r _ program <"$pid_dir/$name.pid"
  echo "$program" >"$pid_dir/saved/$name.program"
}
restart_node() {
  local name="$1" logfile="$2" program
  local -a args=() envs=()
  mapfile -d '' -t args <"$pid_dir/saved/$name.cmdline"
  mapfile -d '' -t envs <"$pid_dir/saved/$name.environ"
  local -a in_netns=()
  program="$(cat "$pid_dir/saved/$name.program")"
  read -r -a in_netns < <(netns_prefix "$name")
  echo "=== $(date -u +%FT%TZ) restarting $name after a fault${in_netns[*]:+ (${in_netns[*]})}" >>"$logfile"
  setsid "${in_netns[@]}" env -i "${envs[@]}" "${args[@]}" >>"$logfile" 2>&1 </dev/null 8>&- 9>&- &
  echo "$! $program" >"$pid_dir/$name.pid"
}

# commit_times <peer log> <channel>: epoch seconds (ms) of each "Committed block" line of the channel.
commit_times() {
  strip_colors <"$1" | sed -n "s/^\([0-9-]* [0-9:.]*\) UTC .*\[$2\] Committed block \[[0-9]*\].*/\1/p" \
    | while read -r d t; do date -u -d "$d $t" +%s.%3N; done
}

# stall_after <kill time> <peer log> <channel>: seconds from the kill until the first block the
# channel commits after it, ignoring blocks committed in the first 0.3 s (already ordered when the
# node died). Prints "none" when no block follows.
stall_after() {
  commit_times "$2" "$3" | awk -v k="$1" '$1 > k + 0.3 { printf "%.1f\n", $1 - k; found = 1; exit } END { if (!found) print "none" }'
}

# largest_gap <peer log> <channel> [from] [to]: the largest interval (s) between consecutive commits.
largest_gap() {
  commit_times "$1" "$2" | awk -v a="${3:-0}" -v b="${4:-1e12}" \
    'NR > 1 && $1 > a && prev < b { g = $1 - prev; if (g > m) m = g } { prev = $1 } END { printf "%.1f\n", m }'
}
