#!/usr/bin/env bash
# What a build script pays for depending on juju-secrets (default features): the number of crates
# in its dependency graph and the clean build time, debug and release, of a minimal crate that
# reads one secret value. The crate and its target directory live in a temporary directory that is
# removed afterwards; crates come from cargo's local cache (downloading is not timed).
#
#   scripts/footprint.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/app/src"
cat >"$work/app/Cargo.toml" <<EOF
[package]
name = "footprint-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
juju-secrets = { path = "$repo" }

[workspace]
EOF
cat >"$work/app/src/main.rs" <<'EOF'
fn main() -> Result<(), juju_secrets::Error> {
    let mut client = juju_secrets::Client::connect_juju_env()?;
    let name = juju_secrets::SecretRef::name("db");
    println!("{}", client.secrets().get_value(&name, "password")?.len());
    Ok(())
}
EOF
cd "$work/app"
export CARGO_TARGET_DIR="$work/target"
cargo generate-lockfile --quiet
cargo fetch --quiet

crates=$(cargo tree --edges normal,build --prefix none --format '{p}' | sed 's/ (.*//' | sort -u | wc -l)
echo "crates in the graph (this app and juju-secrets included): $crates"
echo "direct dependencies of juju-secrets and their features:"
cargo tree --edges normal,build --depth 1 --format '  {p} [{f}]' -p juju-secrets | tail -n +2

for profile in debug release; do
    rm -rf "$CARGO_TARGET_DIR"
    flag=()
    [ "$profile" = release ] && flag=(--release)
    start=$(date +%s.%N)
    cargo build --quiet "${flag[@]}"
    end=$(date +%s.%N)
    size=$(stat -c %s "$CARGO_TARGET_DIR/$profile/footprint-app")
    awk -v p="$profile" -v s="$start" -v e="$end" -v b="$size" -v n="$(nproc)" 'BEGIN {
        printf "%s: clean build %.1f s, binary %.1f MiB (on %d cores)\n", p, e - s, b / 1048576, n }'
done
