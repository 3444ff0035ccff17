#!/usr/bin/env bash
# Compares two built `audit` binaries, e.g. before and after a change to the
# release profile, run alternately so that a busy neighbour slows both:
#
#   evaluation  `audit scan` of a synthetic account of SIZE resources (default
#               100,000; written by benches/evaluate.rs), JSON report to a file
#   collection  `audit collect` of the seeded moto account (scripts/moto.sh),
#               2 regions, retries off
#
# Prints every run (wall time, the process's own CPU time: what a lower
# optimisation level would cost shows there first, as the emulator sets the
# wall time of a collection; and peak memory), the medians of RUNS runs
# (default 5) and the ratio of the second binary to the first, plus both
# binaries' sizes.
#
#   scripts/bench_release.sh OLD/audit NEW/audit
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: scripts/bench_release.sh OLD_AUDIT_BINARY NEW_AUDIT_BINARY (both executable files)" >&2
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
RUNS="${RUNS:-5}"
SIZE="${SIZE:-100000}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
BENCH_SNAPSHOT_OUT="$out/synthetic.json" cargo bench --locked --quiet --no-default-features --bench evaluate -- "$SIZE" > /dev/null
# shellcheck source=scripts/moto.sh
source scripts/moto.sh > /dev/null
# The first collection after seeding is slower (moto builds its regional
# backends lazily): one untimed run warms it.
"$old" collect --endpoint-url "$MOTO_ENDPOINT" --region us-east-1 --region eu-west-1 \
  --max-attempts 1 -o "$out/warm.json" 2> /dev/null

# time_run LABEL FILE CMD...: appends "LABEL wall_s cpu_s peak_mib" to FILE. Exit 1
# (failing findings) is the expected outcome of a scan; anything above is not.
time_run() {
  local label=$1 file=$2 rc=0
  shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$@" > /dev/null 2> "$out/stderr" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "$label failed (exit $rc):" >&2
    cat "$out/stderr" >&2
    exit 1
  fi
  # time(1) puts "Command exited with non-zero status 1" before the figures.
  read -r wall user sys rss_kib < <(tail -n 1 "$out/time")
  echo "$label $wall $(python3 -c "print(round($user + $sys, 2))") $((rss_kib / 1024))" | tee -a "$file"
}

echo "step-binary wall_s cpu_s peak_mib"
for run in $(seq 1 "$RUNS"); do
  for which in old new; do
    bin=$old
    [ "$which" = new ] && bin=$new
    time_run "scan-$which" "$out/rows" "$bin" scan --snapshot "$out/synthetic.json" --format json -o "$out/report.json"
    time_run "collect-$which" "$out/rows" "$bin" collect --endpoint-url "$MOTO_ENDPOINT" \
      --region us-east-1 --region eu-west-1 --max-attempts 1 -o "$out/snapshot.json"
  done
done

python3 - "$out/rows" "$old" "$new" "$SIZE" <<'PY'
import os, statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def med(label, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == label)
for step, what in (("scan", f"scan of {int(sys.argv[4]):,} resources"), ("collect", "collect (moto, 2 regions)")):
    o, n = med(f"{step}-old", 1), med(f"{step}-new", 1)
    oc, nc = med(f"{step}-old", 2), med(f"{step}-new", 2)
    om, nm = med(f"{step}-old", 3), med(f"{step}-new", 3)
    print(f"{what}: wall {o:.2f} -> {n:.2f} s ({n / o:.2f}x), CPU {oc:.2f} -> {nc:.2f} s "
          f"({nc / max(oc, 0.01):.2f}x), peak {om:.0f} -> {nm:.0f} MiB")
for name, path in (("old", sys.argv[2]), ("new", sys.argv[3])):
    print(f"{name} binary: {os.path.getsize(path) / 1e6:.1f} MB  {path}")
PY
