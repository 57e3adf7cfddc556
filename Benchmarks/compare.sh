#!/usr/bin/env bash
# Prints JSRun's benchmark figures beside the reference Python library jsrun 0.3.0 and
# mini-racer as a markdown table (`make bench-compare`).
#
# Run from anywhere: bash Benchmarks/compare.sh [--quick] [--only-modules | --only-host | --only-lifecycle]
# It sets up the peers' venv (peers/setup.sh), runs the Swift Figures executable in release
# mode, runs peers/peers.py in the venv, and joins both with compare.py. --only-modules
# measures the module graph's figures alone (JSRun and the reference; mini-racer has no modules);
# --only-host the host-call figures alone, (i) to (k); --only-lifecycle a runtime's life alone,
# (c) and (e): create + eval + close (with its best run), and memory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=()
figures_only=()
peers_only=()
for argument in "$@"; do
    case "$argument" in
    --quick) quick=(--quick) ;;
    --only-modules)
        figures_only=(--only-modules)
        peers_only=(--one jsrun --only module_graph)
        ;;
    --only-host)
        figures_only=(--only-host)
        peers_only=(--only host_call_double,host_call_typed,host_call_async)
        ;;
    --only-lifecycle)
        figures_only=(--only-lifecycle)
        peers_only=(--only lifecycle,memory)
        ;;
    *)
        echo "usage: compare.sh [--quick] [--only-modules | --only-host | --only-lifecycle]" >&2
        exit 2
        ;;
    esac
done

jsrun_json="$(mktemp --suffix=.jsrun.json)"
peers_json="$(mktemp --suffix=.peers.json)"
trap 'rm -f "$jsrun_json" "$peers_json"' EXIT

bash Benchmarks/peers/setup.sh
# Build first with its log on stderr, so that only the figures reach the JSON file.
(cd Benchmarks && swift build -c release --product Figures >&2 &&
    swift run -c release --skip-build Figures --json "${quick[@]}" "${figures_only[@]}") >"$jsrun_json"
Benchmarks/peers/.venv/bin/python Benchmarks/peers/peers.py --json "${quick[@]}" "${peers_only[@]}" >"$peers_json"
python3 Benchmarks/compare.py "$jsrun_json" "$peers_json"
