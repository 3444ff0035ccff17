#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
#
# Needs only the Rust toolchain (cargo, rustfmt, clippy); every test input
# (the example snapshot, the official SARIF 2.1.0 schema) is in the repository.
# The live-collection tests of the next release will have this script install
# and start the moto AWS emulator on 127.0.0.1 as well.
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

step "tests: engine, rules' inline examples, CLI, output formats, SARIF schema"
cargo test --locked

step "the built-in catalogue, as users run it (audit rules test)"
cargo run --locked --quiet -- rules test | tail -n 1
