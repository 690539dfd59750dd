#!/usr/bin/env bash
# Fuzzes every decoder of controller data (fuzz/fuzz_targets) for a bounded time each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 60 seconds, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler; on a stable toolchain
# this script sets RUSTC_BOOTSTRAP=1 so stable rustc accepts the nightly flags cargo-fuzz uses.
# Each target starts from its seeds (fuzz/seeds/<target>) and keeps what it learns in
# fuzz/corpus/<target> (not committed). A crash is saved under fuzz/artifacts/<target>: once
# fixed, copy the input to fuzz/regressions/<target>/ so `cargo test --all-features` (the test
# fuzz_regressions) replays it forever after, together with every seed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(envelope list_secrets login_result client_store cookie_jar)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 1
fi
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi

cargo fuzz build -O
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    echo "== $target: ${seconds}s"
    cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
