#!/usr/bin/env bash
# Builds JSRun's fuzz targets (Fuzz/, libFuzzer with AddressSanitizer) and runs each of them,
# side by side, for SECONDS (or RUNS inputs, when given), over a corpus kept in
# Fuzz/corpus/<target>: the writer's seeds, Node's `v8.serialize` output when Node is there,
# and what earlier runs found. A crash, a read past the input, a hang, an allocation past the
# bound (see Fuzz/Sources/JSRunFuzzSupport/Reading.swift) or a single allocation past 64 MiB
# stops a target, keeps its input in Fuzz/artifacts/, and fails the script.
#
#   scripts/fuzz.sh SECONDS [RUNS]
set -euo pipefail

seconds="${1:?usage: scripts/fuzz.sh SECONDS [RUNS]}"
runs="${2:--1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
swift="${SWIFT:-swift}"
targets=(ReaderFuzzer RoundTripFuzzer)

cd "$root/Fuzz"
"$swift" build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
bin="$("$swift" build -c release --show-bin-path)"
mkdir -p artifacts
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    if command -v node >/dev/null; then node seeds.js "corpus/$target"; fi
done

# Swift's backtracer would take minutes over an AddressSanitizer process; libFuzzer prints the
# stack itself. -malloc_limit_mb: no single allocation past 64 MiB; -rss_limit_mb: the process.
export SWIFT_BACKTRACE=enable=no
pids=()
for target in "${targets[@]}"; do
    "$bin/$target" "corpus/$target" -max_total_time="$seconds" -runs="$runs" -timeout=10 \
        -malloc_limit_mb=64 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target-" >"artifacts/$target.log" 2>&1 &
    pids+=($!)
done
status=0
for index in "${!targets[@]}"; do
    target="${targets[$index]}"
    if wait "${pids[$index]}"; then result=passed; else result=FAILED; status=1; fi
    executed="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/$target.log" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz: $target $result: $executed inputs in at most $seconds s (log: Fuzz/artifacts/$target.log)"
    grep -h '^fuzz target:' "artifacts/$target.log" | sed 's/^/  /' || true
    if [ "$result" = FAILED ]; then
        grep -E 'ERROR|SUMMARY|Test unit written' "artifacts/$target.log" | sed 's/^/  /' || true
        echo "  reproduce: SWIFT_BACKTRACE=enable=no Fuzz/.build/release/$target Fuzz/artifacts/$target-<input>"
    fi
done
exit $status
