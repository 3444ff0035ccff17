#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
#
# Needs the Rust toolchain (cargo, rustfmt, clippy) and python3. It installs
# the moto AWS emulator from PyPI into .moto/venv, starts it on a free port of
# 127.0.0.1, seeds it through the AWS APIs (scripts/seed_moto.py), and stops it
# by its PID on exit. It installs Debian's chromium when missing, for the
# browser test of the HTML report. Every other test input is in the repository.
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

step "the engine without the AWS SDK (cargo build --no-default-features), as the quick start builds it"
cargo build --locked --no-default-features

step "a headless browser (Debian's chromium) for the HTML report test"
if ! command -v chromium > /dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q > /dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null
fi
chromium --version

step "the AWS emulator (moto_server, pinned) on 127.0.0.1"
# shellcheck source=scripts/moto.sh
source scripts/moto.sh

step "tests: engine, rules' inline examples, CLI, output formats, SARIF schema, live collection and its error paths against moto"
cargo test --locked

step "the built-in catalogue, as users run it (audit rules test)"
# The binary `cargo test` just built: `cargo run` would build the AWS SDK a
# second time, with the features of a build without dev-dependencies.
"${CARGO_TARGET_DIR:-target}/debug/audit" rules test | tail -n 1
