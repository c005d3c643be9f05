#!/usr/bin/env bash
# Save-to-result latency of `./ninja exercise grade DIR --watch` on the notebook configuration: starts the watch,
# saves the exercise file N times (alternately the blank file and the full solution, written to a temporary file
# and renamed over it, as editors save), and times each save until the new summary line is printed. Prints
# every latency and the median. Usage: scripts/watch-latency.sh [N] [extra grade flags...]
set -euo pipefail
set -m # job control: the watch runs in its own process group and receives our Ctrl-C (SIGINT)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10}"
shift || true
dir="$(mktemp -d)"
watch_pid=""
cleanup() { [[ -n "$watch_pid" ]] && kill "$watch_pid" 2>/dev/null; [[ -n "${KEEP_LOG:-}" ]] && cp "$log" "$KEEP_LOG"; rm -rf "$dir"; }
trap cleanup EXIT
"$here/ninja" exercise new "$dir" >/dev/null
"$here/ninja" exercise solution "$dir" >/dev/null
cp "$dir/Backprop.java" "$dir/blank.txt"
sed 's/\bBackpropSolution\b/Backprop/g' "$dir/BackpropSolution.java" >"$dir/solved.txt"
rm "$dir/BackpropSolution.java"
log="$dir/watch.log"
"$here/ninja" exercise grade "$dir" --watch "$@" >"$log" 2>&1 &
watch_pid=$!
summaries() { grep -c " done, " "$log" || true; }
until [[ "$(summaries)" -ge 1 ]]; do
  kill -0 "$watch_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.05
done
echo "first grade printed (startup): see $log"
lat=()
cpus=()
hz=$(getconf CLK_TCK)
# CPU time (user + system, all threads) of the watch, in clock ticks: the supervising JVM and the watching child
# JVM it starts (GradeProcess.watch)
cpu() {
  local t=0 p
  for p in "$watch_pid" $(pgrep -P "$watch_pid"); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
for ((i = 1; i <= n; i++)); do
  variant=$([[ $((i % 2)) -eq 1 ]] && echo solved || echo blank)
  { cat "$dir/$variant.txt"; echo "// save $i"; } >"$dir/.Backprop.java.tmp"
  c0=$(cpu)
  t0=$(date +%s%N)
  mv -f "$dir/.Backprop.java.tmp" "$dir/Backprop.java"
  until [[ "$(summaries)" -ge $((i + 1)) ]]; do sleep 0.005; done
  t1=$(date +%s%N)
  c1=$(cpu)
  ms=$(((t1 - t0) / 1000000))
  cms=$(((c1 - c0) * 1000 / hz))
  lat+=("$ms")
  cpus+=("$cms")
  echo "save $i ($variant): $ms ms wall, $cms ms CPU  $(grep " done, " "$log" | tail -1)"
done
kill -INT "$watch_pid"
rc=0
wait "$watch_pid" || rc=$?
watch_pid=""
echo "watch exited with $rc after Ctrl-C (SIGINT); last line: $(tail -1 "$log")"
median() {
  local sorted=($(printf '%s\n' "$@" | sort -n)) k=$#
  if ((k % 2)); then echo "${sorted[$((k / 2))]}"; else echo $(((sorted[k / 2 - 1] + sorted[k / 2]) / 2)); fi
}
echo "median save-to-result latency over $n saves: $(median "${lat[@]}") ms wall, $(median "${cpus[@]}") ms CPU" \
  "(load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"
