#!/usr/bin/env bash
# The whole test suite: Rust unit, integration and doc tests; the schema check of every frame
# the suite exchanged; and python-libjuju driving the test controller.
set -euo pipefail
cd "$(dirname "$0")/.."

wire_log=$(mktemp -d)
trap 'rm -rf "$wire_log"' EXIT
export JUJU_SECRETS_WIRE_LOG="$wire_log"

# --all-features includes `fuzzing`: tests/fuzz_regressions.rs replays the fuzz seeds and past
# failures. Fuzzing itself (cargo-fuzz, minutes of build) is manual: scripts/fuzz.sh.
cargo test --all-features
cargo test --all-features --test schema_wire_log -- --ignored
unset JUJU_SECRETS_WIRE_LOG

bash scripts/python-judge.sh
