"""Prints JSRun's benchmark figures beside its peers' as a markdown table.

    python3 Benchmarks/compare.py JSRUN_JSON PEERS_JSON

JSRUN_JSON is the flat object that `swift run -c release Figures --json` prints (in
Benchmarks/); PEERS_JSON is what `peers/peers.py --json` prints: {"jsrun": {...},
"mini_racer": {...}}. One row per figure; the ratio columns say how many times better
JSRun is (peer/JSRun for lower-is-better figures, JSRun/peer for the one where higher is
better). Standard library only. Compare.sh runs the whole comparison.
"""

from __future__ import annotations

import json
import os
import platform
import sys

# Figure key -> row label with its unit. Every figure is lower-is-better except those
# in HIGHER_IS_BETTER.
LABELS = {
    "eval_round_trip_us": "eval `1+1` round trip (µs)",
    "eval_async_resolved_us": "eval async, resolved promise (µs)",
    "eval_async_timer0_us": "eval async, setTimeout(0) promise (µs)",
    "timeout_overrun_ms": "overrun past a 50 ms timeout, while(true) (ms)",
    "create_eval_close_ms": "create + eval + close (ms)",
    "create_eval_close_best_ms": "create + eval + close, best of 200 (ms)",
    "objects_20k_ms": "return 20k objects (ms)",
    "idle_rss_mb_per_runtime": "idle RSS per runtime (MB)",
    "rss_returned_after_close_mb": "RSS returned after closing 16 (MB, higher is better)",
    "idle_cpu_percent": "idle CPU, 16 runtimes (% of one core)",
    "host_call_double_ns": "JS calls host f(x: Double) -> Double, per call (ns)",
    "host_call_typed_ns": "JS calls host g('k', i) -> {k: i}, per call (ns)",
    "host_call_async_us": "JS awaits async host h(x), per call (µs)",
    "rows_20k_to_swift_ms": "20k rows {i, s, f} out of JS, built once (ms)",
    "rows_20k_v8_serializer_ms": "the same rows through V8's ValueSerializer alone (ms)",
    "rows_20k_decodable_ms": "the same rows into a Decodable struct array (ms)",
    "rows_20k_to_js_ms": "the same rows from the host into JS (ms)",
    "bytes_16mib_out_gbps": "16 MiB Uint8Array out of JS (GB/s, higher is better)",
    "bytes_16mib_in_gbps": "16 MiB of bytes into JS (GB/s, higher is better)",
    "module_graph_static_ms": "200 modules, static, evaluate the entry (ms)",
    "module_graph_async_loader_ms": "200 modules, async loader, evaluate the entry (ms)",
    "module_graph_static_cold_ms": "200 modules, static, first load in the process (ms)",
    "module_graph_async_loader_cold_ms": "200 modules, async loader, first load in the process (ms)",
}
HIGHER_IS_BETTER = {"rss_returned_after_close_mb", "bytes_16mib_out_gbps", "bytes_16mib_in_gbps"}

# (column title, key in the peers' JSON)
PEERS = (("jsrun 0.3.0", "jsrun"), ("mini-racer", "mini_racer"))


def load_json(path: str) -> dict:
    """The JSON object in the file, or on its last line if other output came before it."""
    with open(path, encoding="utf-8") as file:
        text = file.read()
    try:
        value = json.loads(text)
    except ValueError:
        lines = text.strip().splitlines()
        try:
            value = json.loads(lines[-1]) if lines else None
        except ValueError:
            value = None
    if not isinstance(value, dict):
        sys.exit(f"compare.py: {path}: expected a JSON object")
    return value


def number(value: object) -> float | None:
    """The figure as a float, or None when missing, null or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def format_value(value: float | None) -> str:
    if value is None:
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 0.1 or value == 0:
        return f"{value:.2f}"
    return f"{value:.3f}"


# Below these values a figure is measurement noise, and a ratio of two of them means nothing.
NOISE_FLOOR = {"idle_cpu_percent": 0.1}


def ratio(key: str, ours: float | None, peer: float | None) -> str:
    """How many times better JSRun is than the peer on this figure, e.g. "16.4x"."""
    if ours is None or peer is None:
        return "n/a"
    floor = NOISE_FLOOR.get(key, 0.0)
    if abs(ours) < floor and abs(peer) < floor:  # both within measurement noise: no ratio
        return "both ~0"
    ours, peer = max(ours, floor), max(peer, floor)
    numerator, denominator = (ours, peer) if key in HIGHER_IS_BETTER else (peer, ours)
    if denominator == 0:
        return "1.0x" if numerator == 0 else ("∞" if numerator > 0 else "n/a")
    times = numerator / denominator
    if times < 0:  # e.g. memory that grew instead of being returned: no meaningful ratio
        return "n/a"
    if times >= 100:
        return f"{times:.0f}x"
    if times >= 0.1:
        return f"{times:.1f}x"
    return f"{times:.2g}x"


def table_rows(ours: dict, peers: dict) -> list[list[str]]:
    # Figures nobody measured (a partial run: Figures --only-modules, peers.py --only) are left out.
    measured = set(ours).union(*(peers.get(name, {}) for _, name in PEERS))
    keys = [key for key in LABELS if key in measured] + sorted(key for key in ours if key not in LABELS)
    rows = []
    for key in keys:
        our_value = number(ours.get(key))
        peer_values = [number(peers.get(name, {}).get(key)) for _, name in PEERS]
        rows.append(
            [LABELS.get(key, key), format_value(our_value)]
            + [format_value(value) for value in peer_values]
            + [ratio(key, our_value, value) for value in peer_values]
        )
    return rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        padded = (cell.ljust(width) if index == 0 else cell.rjust(width)
                  for index, (cell, width) in enumerate(zip(cells, widths)))
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join(("-" * (width + 1)) + (":" if index else "-")
                               for index, width in enumerate(widths)) + "|"
    return "\n".join([line(header), separator] + [line(row) for row in rows])


def machine_line() -> str:
    uname = platform.uname()
    return (f"Machine: {os.cpu_count()} cores; "
            f"{uname.system} {uname.release} {uname.version} {uname.machine}")


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} JSRUN_JSON PEERS_JSON")
    ours, peers = load_json(sys.argv[1]), load_json(sys.argv[2])
    # peers.py writes "mini_racer"; accept the package's spelling as well.
    if "mini-racer" in peers and "mini_racer" not in peers:
        peers["mini_racer"] = peers["mini-racer"]
    peer_titles = [title for title, _ in PEERS]
    header = (["figure", "JSRun"] + peer_titles
              + [f"{title.split()[0]}/JSRun" for title in peer_titles])
    print(markdown_table(header, table_rows(ours, peers)))
    print()
    print(machine_line())


if __name__ == "__main__":
    main()
