#!/usr/bin/env bash
# Collection benchmark: seeds moto (scripts/moto.sh) with the test account
# (2 regions, every collected service), then runs `audit collect` against it
# RUNS times (default 5) with retries off, and prints wall time, peak memory
# and calls made for each run, and their medians.
#
#   scripts/bench_collect.sh                 # release build (slow to build cold)
#   PROFILE=dev scripts/bench_collect.sh     # the debug build the tests use
#   BIN=path/to/audit scripts/bench_collect.sh   # a binary already built
#
# The figures include the emulator's own latency: moto is a Python server,
# so they bound the tool's overhead from above.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
PROFILE="${PROFILE:-release}"
RUNS="${RUNS:-5}"

if [ -n "${BIN:-}" ]; then
  bin="$BIN"
elif [ "$PROFILE" = release ]; then
  cargo build --locked --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/audit"
else
  cargo build --locked --quiet
  bin="${CARGO_TARGET_DIR:-target}/debug/audit"
fi
# shellcheck source=scripts/moto.sh
source scripts/moto.sh

out=$(mktemp -d)
printf 'run  wall_s  peak_rss_mib  calls  resources  gaps\n'
for run in $(seq 1 "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$out/time" "$bin" collect --endpoint-url "$MOTO_ENDPOINT" \
    --region us-east-1 --region eu-west-1 --max-attempts 1 -o "$out/snapshot.json" 2> "$out/stderr"
  read -r wall rss_kib < "$out/time"
  # "collected N resources in R regions with C calls, G gaps, in S s"
  summary=$(grep '^collected' "$out/stderr")
  resources=$(echo "$summary" | awk '{print $2}')
  calls=$(echo "$summary" | awk '{print $8}')
  gaps=$(echo "$summary" | awk '{print $10}')
  printf '%-4s %-7s %-13s %-6s %-10s %s\n' "$run" "$wall" "$((rss_kib / 1024))" "$calls" "$resources" "$gaps"
  echo "$wall $((rss_kib / 1024))" >> "$out/all"
done
python3 - "$out/all" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
wall = statistics.median(float(r[0]) for r in rows)
rss = statistics.median(int(r[1]) for r in rows)
print(f"median: {wall:.2f} s wall, {rss} MiB peak; Prowler 5.46 on a comparable account: ~46 s, ~500 MiB "
      f"({46 / max(wall, 0.01):.0f}x faster, {500 / max(rss, 1):.0f}x less memory)")
PY
rm -rf "$out"
