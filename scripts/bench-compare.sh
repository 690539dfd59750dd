#!/usr/bin/env bash
# Side by side: python-libjuju (PyPI `juju`, pinned as in scripts/python-judge.sh) against this
# crate, on ONE standalone test controller (examples/test-controller.rs, release build), the
# same workloads interleaved (ours, python, ours, python, ...), several runs each; then medians and
# ratios as a Markdown table. Run by hand (not part of CI); BENCHMARKS.md shows a result.
#
#   scripts/bench-compare.sh [RUNS]        # RUNS defaults to 5
#
# Also the build-script case: a fresh process that connects, reads one value and exits (our
# release example bench-client against `python -c` with python-libjuju), wall time and peak RSS
# through /usr/bin/time -v, for a small value and for the largest one (750,000 raw bytes =
# 1,000,000 bytes of base64), beside the process floor (examples/process-floor.rs: a bare
# program making the same native-tls connection and one websocket round trip, then exiting).
# Needs python3 with venv, network access to PyPI the first time, and GNU time (Debian:
# apt-get install time). Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
JUJU_PYTHON=juju==3.6.1.3
venv=.venv
python=$venv/bin/python

if [ ! -x /usr/bin/time ]; then
    echo "bench-compare: GNU time is needed at /usr/bin/time (Debian: apt-get install time)" >&2
    exit 1
fi
if [ ! -x "$python" ]; then
    python3 -m venv "$venv"
fi
"$python" -m pip install --quiet --disable-pip-version-check "$JUJU_PYTHON"

cargo build --release --quiet --all-features --example test-controller --example bench-client \
    --example process-floor
target=${CARGO_TARGET_DIR:-target}/release/examples
ours=$target/bench-client
floor=$target/process-floor

work=$(mktemp -d)
controller_pid=
cleanup() {
    if [ -n "$controller_pid" ]; then
        kill "$controller_pid" 2>/dev/null || true
        wait "$controller_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$target/test-controller" --juju-data "$work/juju-data" >"$work/controller.json" &
controller_pid=$!
for _ in $(seq 100); do
    [ -s "$work/controller.json" ] && break
    sleep 0.1
done
[ -s "$work/controller.json" ] || { echo "bench-compare: the test controller did not start" >&2; exit 1; }
controller=$work/controller.json

# Repetitions per run, per workload: enough for a median, bounded so a run takes seconds.
declare -A reps=(
    [connect]=20 [ping]=200 [add]=100 [show]=100 [list1000]=10
    [big_add]=10 [big_reveal]=10 [create100_batch]=10 [create100_single]=5
)
workloads=(connect ping add show list1000 big_add big_reveal create100_batch create100_single)

results=$work/results.jsonl
for run in $(seq "$runs"); do
    echo "run $run of $runs" >&2
    for w in "${workloads[@]}"; do
        "$ours" "$controller" run "$w" "${reps[$w]}" >>"$results"
        "$python" scripts/bench_libjuju.py "$controller" run "$w" "${reps[$w]}" >>"$results"
    done
done

echo "## Workloads (medians over $runs runs; python ÷ ours: higher is better for us)"
echo
"$python" scripts/bench_libjuju.py summarize "$results"

# The build-script case. The python side uses the same documented calls as bench_libjuju.py.
read -r -d '' python_get <<'EOF' || true
import asyncio, base64, json, sys
from juju.client.connection import Connection
from juju.client.client import SecretsFacade
c = json.load(open(sys.argv[1]))
async def main():
    conn = await Connection.connect(endpoint=c["endpoint"], uuid=c["model_uuid"],
        username=c["user"], password=c["password"], cacert=open(c["ca_cert_path"]).read())
    found = await SecretsFacade.from_connection(conn).ListSecrets(
        filter_={"label": sys.argv[2]}, show_secrets=True)
    value = base64.b64decode(found.results[0].value.data[sys.argv[3]])
    await conn.close()
    print(len(value))
asyncio.run(main())
EOF

# Prints "<wall seconds> <peak RSS KiB>" of one run of the command.
measure() {
    # Wall time to the microsecond from the shell (GNU time prints it to 10 ms only), peak RSS
    # from GNU time; its own small cost is the same for every program measured.
    local start end rss
    start=$(date +%s%N)
    /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt"
    end=$(date +%s%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.6f", ns / 1e9 }') $rss"
}

"$ours" "$controller" put bench-small password 18
"$ours" "$controller" put bench-big data 750000
exec_runs=$((runs * 2))
exec_results=$work/exec.txt
for _ in $(seq "$exec_runs"); do
    for secret in small big; do
        key=password
        [ "$secret" = big ] && key=data
        echo "rust $secret $(measure "$ours" "$controller" get "bench-$secret" "$key")" >>"$exec_results"
        echo "python $secret $(measure "$python" -c "$python_get" "$controller" "bench-$secret" "$key")" >>"$exec_results"
    done
    echo "floor none $(measure "$floor" "$controller")" >>"$exec_results"
done

echo
echo "## exec -> value -> exit ($exec_runs fresh processes each; medians)"
echo
"$python" - "$exec_results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    impl, secret, wall, rss = line.split()
    rows.setdefault((impl, secret), []).append((float(wall), int(rss)))
med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v)) for k, v in rows.items()}
fw, fr = med[("floor", "none")]
print("| value | ours: wall | python: wall | python ÷ ours | floor: wall | ours ÷ floor | ours: peak RSS | python: peak RSS | floor: peak RSS |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for secret, label in (("small", "18 bytes"), ("big", "750,000 bytes")):
    (rw, rr), (pw, pr) = med[("rust", secret)], med[("python", secret)]
    print(f"| {label} | {rw * 1e3:.1f} ms | {pw * 1e3:.1f} ms | {pw / rw:.1f} | {fw * 1e3:.1f} ms | {rw / fw:.2f} | {rr / 1024:.1f} MiB | {pr / 1024:.1f} MiB | {fr / 1024:.1f} MiB |")
for impl in ("rust", "python"):
    extra = (med[(impl, "big")][1] - med[(impl, "small")][1]) * 1024
    print(f"\n{impl}: the 750,000-byte value adds {extra / 1e6:.1f} MB of peak RSS, "
          f"{extra / 750_000:.1f}x the raw value ({extra / 1_000_000:.1f}x its base64 text)")
EOF
