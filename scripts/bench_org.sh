#!/usr/bin/env bash
# Organization scan benchmark: a fresh moto with ACCOUNTS member accounts
# (default 50) × 2 regions (scripts/seed_org_bench.py), then one
# `audit org scan` over all of them. Prints wall time, peak memory, calls,
# and moto's own busy CPU seconds over the same run: moto is one Python
# process, so its busy time is the floor the scan cannot go under.
#
#   scripts/bench_org.sh                     # release build
#   PROFILE=dev ACCOUNTS=10 scripts/bench_org.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
PROFILE="${PROFILE:-release}"
ACCOUNTS="${ACCOUNTS:-50}"
MAX_ACCOUNTS="${MAX_ACCOUNTS:-16}"
if [ "$PROFILE" = release ]; then
  cargo build --locked --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/audit"
else
  cargo build --locked --quiet
  bin="${CARGO_TARGET_DIR:-target}/debug/audit"
fi
# moto itself, as scripts/moto.sh installs it, without the test seed.
MOTO_VERSION=5.2.1
if [ ! -x .moto/venv/bin/moto_server ]; then
  python3 -m venv .moto/venv
  .moto/venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_EC2_LOAD_DEFAULT_AMIS=false .moto/venv/bin/moto_server -H 127.0.0.1 -p "$port" > .moto/bench-org.log 2>&1 &
moto_pid=$!
out=$(mktemp -d)
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
.moto/venv/bin/python scripts/seed_org_bench.py "http://127.0.0.1:$port" "$out/accounts.json" "$ACCOUNTS"
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
# utime + stime of moto, in clock ticks.
busy() { awk '{print $14 + $15}' "/proc/$moto_pid/stat"; }
ticks=$(getconf CLK_TCK)
before=$(busy)
/usr/bin/time -f '%e %M' -o "$out/time" "$bin" org scan --accounts "$out/accounts.json" \
  --endpoint-url "http://127.0.0.1:$port" --region us-east-1 --region eu-west-1 --max-attempts 1 \
  --max-accounts "$MAX_ACCOUNTS" --snapshot-dir "$out/snapshots" --format json -o "$out/report.json" \
  --fail-on none 2> "$out/stderr" || true
after=$(busy)
read -r wall rss_kib < "$out/time"
# "scanned N accounts (…) with C calls in S s"
calls=$(grep '^scanned' "$out/stderr" | sed -E 's/.* with ([0-9]+) calls.*/\1/')
python3 - "$wall" "$rss_kib" "$before" "$after" "$ticks" "$ACCOUNTS" "$calls" "$out/report.json" <<'PY'
import json, sys
wall, rss_kib, before, after, ticks, accounts, calls, report = sys.argv[1:]
moto = (int(after) - int(before)) / int(ticks)
r = json.load(open(report))
statuses = {}
for a in r["accounts"]:
    statuses[a["status"]] = statuses.get(a["status"], 0) + 1
print(f"{accounts} accounts x 2 regions: {float(wall):.1f} s wall, {int(rss_kib) // 1024} MiB peak, {calls} calls, "
      f"{r['summary']['resources']} resources, {len(r['findings'])} findings, accounts {statuses}")
print(f"moto busy CPU over the run: {moto:.1f} s; wall / moto floor = {float(wall) / max(moto, 0.01):.2f} "
      f"(goal: within 1.5x, under 400 MiB)")
PY
