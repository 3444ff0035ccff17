#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
#
# Needs the Rust toolchain (cargo, rustfmt, clippy) and python3. It installs
# the moto AWS emulator from PyPI into .moto/venv, starts it on a free port of
# 127.0.0.1, seeds it through the AWS APIs (scripts/seed_moto.py), and stops it
# by its PID on exit. Every other test input is in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

# Two cores on the development and CI machines; more jobs only add memory pressure.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "formatting (cargo fmt --check)"
cargo fmt --check

step "lints (cargo clippy --all-targets -- -D warnings)"
cargo clippy --locked --all-targets -- -D warnings

step "the AWS emulator (moto_server, pinned) on 127.0.0.1"
MOTO_VERSION=5.2.1
if [ ! -x .moto/venv/bin/moto_server ] || ! .moto/venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')"; then
  rm -rf .moto/venv
  python3 -m venv .moto/venv
  .moto/venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_EC2_LOAD_DEFAULT_AMIS=false .moto/venv/bin/moto_server -H 127.0.0.1 -p "$port" > .moto/server.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.2
done
.moto/venv/bin/python scripts/seed_moto.py "http://127.0.0.1:$port"
export MOTO_ENDPOINT="http://127.0.0.1:$port"
# The tests talk to the emulator only: no instance metadata, fake keys.
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

step "tests: engine, rules' inline examples, CLI, output formats, SARIF schema, live collection against moto"
cargo test --locked

step "the built-in catalogue, as users run it (audit rules test)"
cargo run --locked --quiet -- rules test | tail -n 1
