"""Measures JSRun's peer libraries with the same figures as JSRun's Swift benchmark.

The peers are "jsrun" (the reference Python library, jsrun 0.3.0) and "mini_racer"
(py_mini_racer, from the mini-racer package). For each one it prints:

    eval_round_trip_us           median µs per `1+1` evaluated on one existing runtime
    eval_async_resolved_us       median µs per `Promise.resolve(1)` evaluated and awaited
    eval_async_timer0_us         median µs per `new Promise(r => setTimeout(() => r(1), 0))`
                                 evaluated and awaited
    timeout_overrun_ms           median ms from a 50 ms timeout's deadline until
                                 `while(true){}` has raised the library's timeout error
    create_eval_close_ms         median ms to create a runtime, evaluate `1+1`, close it
    objects_20k_ms               median ms to return 20,000 small objects `{i, s, f}` as
                                 Python objects
    idle_rss_mb_per_runtime      resident memory growth per idle runtime (16 of them), MB
    rss_returned_after_close_mb  resident memory given back after closing the 16, MB
    idle_cpu_percent             CPU used by the 16 idle runtimes, % of one core
    host_call_double_ns          ns per call of a bound `lambda x: x + 1` from a JavaScript loop
                                 `s = f(s)` (100,000 calls in one eval, median of 5 runs)
    host_call_typed_ns           ns per call of a bound `lambda s, n: {s: n}` from a loop
                                 `s += g('k', i).k` (likewise)
    host_call_async_us           µs per call of a bound `async def h(x): return x + 1` awaited
                                 in an async JavaScript loop (20,000 calls in one eval_async)
    rows_20k_to_swift_ms         median ms to return 20,000 objects `{i, s, f}` built once
                                 (`rows`) as Python objects (JSRun: into a JSValue)
    rows_20k_to_js_ms            median ms to pass the same 20,000 rows, as Python dicts, to a
                                 JavaScript function `count(rows)`
    bytes_16mib_out_gbps         GB/s returning a 16 MiB Uint8Array as bytes
    bytes_16mib_in_gbps          GB/s passing 16 MiB of bytes to `count(bytes)` (a Uint8Array)
    module_graph_static_ms       median ms to evaluate the entry of a graph of 200 small modules
                                 registered as static modules (a fresh runtime per run)
    module_graph_async_loader_ms the same graph served by a resolver and an async module loader
                                 (jsrun: set_module_resolver, set_module_loader, eval_module_async)
    module_graph_*_cold_ms       the same two with sources new to the process in every run (a
                                 comment ends each): JSRun keeps V8's code for modules it compiles
                                 again; jsrun keeps none, so its figures should match the others

Each measurement runs in a fresh subprocess of this script (a hidden `--measure` flag),
so a crash or hang loses only that figure (reported on stderr, printed as null), and the
memory figures start from a fresh process.

Run with the venv that setup.sh makes:

    bash Benchmarks/peers/setup.sh
    Benchmarks/peers/.venv/bin/python Benchmarks/peers/peers.py [--json] [--quick] [--one LIB]

--json prints {"jsrun": {...}, "mini_racer": {...}}; --quick runs ~10x fewer iterations;
--one jsrun|mini_racer measures one library only; --only GROUP[,GROUP] measures those groups
only (module_graph: the two module figures).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

LIBRARIES = ("jsrun", "mini_racer")

# Measurement groups, each run in a subprocess of its own, and the figures each yields.
GROUPS = {
    "round_trip": ("eval_round_trip_us",),
    "async_resolved": ("eval_async_resolved_us",),
    "async_timer0": ("eval_async_timer0_us",),
    "timeout": ("timeout_overrun_ms",),
    "lifecycle": ("create_eval_close_ms",),
    "objects": ("objects_20k_ms",),
    "memory": ("idle_rss_mb_per_runtime", "rss_returned_after_close_mb", "idle_cpu_percent"),
    "host_call_double": ("host_call_double_ns",),
    "host_call_typed": ("host_call_typed_ns",),
    "host_call_async": ("host_call_async_us",),
    "values": ("rows_20k_to_swift_ms", "rows_20k_to_js_ms", "bytes_16mib_out_gbps", "bytes_16mib_in_gbps"),
    "module_graph": (
        "module_graph_static_ms",
        "module_graph_async_loader_ms",
        "module_graph_static_cold_ms",
        "module_graph_async_loader_cold_ms",
    ),
}
KEYS = tuple(key for keys in GROUPS.values() for key in keys)

# A library's measurements together may take this long before the rest is given up.
LIBRARY_TIMEOUT_SECONDS = 600

MAKE_OBJECTS = (
    "globalThis.makeObjects = () => "
    "Array.from({length: 20000}, (_, i) => ({i, s: 'item' + i, f: i * 0.5}))"
)
TIMER0 = "new Promise(r => setTimeout(() => r(1), 0))"
BUSY_LOOP = "while(true){}"
BUSY_TIMEOUT_SECONDS = 0.05
MEGABYTE = 1024 * 1024
IDLE_RUNTIMES = 16

# Values (n)-(q): the data of Benchmarks/Sources/Workloads `valuesSetup`, built once.
VALUES_SETUP = (
    "globalThis.rows = Array.from({length: 20000}, (_, i) => ({i, s: 'item' + i, f: i * 0.5}));"
    "globalThis.bytes = new Uint8Array(16 << 20).fill(7);"
    "globalThis.count = (value) => value.length;"
)
SIXTEEN_MIB = 16 << 20

# Host calls (i)-(k): the loops of Benchmarks/Sources/Workloads, calls per evaluation before
# --quick divides them by 10, and how many evaluations the median is taken over.
HOST_SYNC_CALLS = 100_000
HOST_ASYNC_CALLS = 20_000
HOST_RUNS = 5
HOST_RUNS_QUICK = 3

# (l), (m): the module graph of Benchmarks/Sources/Workloads, and how many fresh runtimes the
# median is taken over.
MODULE_GRAPH_SIZE = 200
MODULE_RUNS = 20
MODULE_RUNS_QUICK = 5


def module_graph(count: int = MODULE_GRAPH_SIZE, salt: str | None = None) -> dict[str, str]:
    """Workloads.moduleGraph: m{i} imports m{2i+1}, m{2i+2} and the last (shared) module, and
    exports `total`, the number of modules in its subtree (so m0's is `count`). A salt ends
    every source with a comment, so that the sources are new to the process."""
    shared = f"m{count - 1}"
    graph = {shared: "export const unit = 1; export const total = 1;"}
    for index in range(count - 1):
        children = [child for child in (2 * index + 1, 2 * index + 2) if child < count]
        imports = [f"import {{ total as t{child} }} from 'm{child}';" for child in children]
        total = " + ".join(["unit"] + [f"t{child}" for child in children])
        graph[f"m{index}"] = "\n".join(imports + [f"import {{ unit }} from '{shared}';", f"export const total = {total};"])
    if salt is not None:
        return {name: f"{source}\n// {salt}" for name, source in graph.items()}
    return graph


def host_call_double_script(calls: int) -> str:
    """A block, so that its `let` is new on every evaluation."""
    return f"{{ let s = 0; for (let i = 0; i < {calls}; i++) s = f(s); s }}"


def host_call_typed_script(calls: int) -> str:
    return f"{{ let s = 0; for (let i = 0; i < {calls}; i++) s += g('k', i).k; s }}"


def host_call_async_script(calls: int) -> str:
    return (
        "(async () => { let s = 0; "
        f"for (let i = 0; i < {calls}; i++) s = await h(s); return s }})()"
    )


async def host_h(x: Any) -> Any:
    """The async host function of (k)."""
    return x + 1


# --- The two libraries behind one small interface --------------------------------------


class JsrunPeer:
    """jsrun 0.3.0: `jsrun.Runtime()`, `rt.eval`, `await rt.eval_async`, `rt.close()`."""

    def __init__(self) -> None:
        import jsrun  # imported here so the parent process never loads V8

        self.jsrun = jsrun

    def create(self) -> Any:
        return self.jsrun.Runtime()

    def eval(self, runtime: Any, code: str) -> Any:
        return runtime.eval(code)

    def close(self, runtime: Any) -> None:
        runtime.close()

    def objects(self, runtime: Any) -> list:
        # jsrun converts the whole array to a list of dicts itself.
        return runtime.eval("makeObjects()")

    def time_values(self, runs: int) -> dict[str, float | None]:
        """(n)-(q) with limits raised past 16 MiB (the default max_serialization_bytes is 10 MiB)."""
        runtime = self.jsrun.Runtime(self.jsrun.RuntimeConfig(max_serialization_bytes=64 * MEGABYTE))
        try:
            runtime.eval(VALUES_SETUP)
            count = runtime.eval("count")
            rows = [{"i": i, "s": f"item{i}", "f": i * 0.5} for i in range(20000)]
            data = b"\x07" * SIXTEEN_MIB

            def out_rows() -> None:
                assert len(runtime.eval("rows")) == 20000

            def in_rows() -> None:
                assert count(rows) == 20000

            def out_bytes() -> None:
                assert len(runtime.eval("bytes")) == SIXTEEN_MIB

            def in_bytes() -> None:
                assert count(data) == SIXTEEN_MIB

            figures = {}
            for key, body in (("rows_20k_to_swift_ms", out_rows), ("rows_20k_to_js_ms", in_rows)):
                median_seconds(body, 2, 1)  # warm-up
                figures[key] = median_seconds(body, runs, 1) * 1e3
            for key, body in (("bytes_16mib_out_gbps", out_bytes), ("bytes_16mib_in_gbps", in_bytes)):
                median_seconds(body, 2, 1)
                figures[key] = SIXTEEN_MIB / median_seconds(body, runs, 1) / 1e9
            return figures
        finally:
            self.close(runtime)

    def time_async_resolved(self, runtime: Any, batches: int, per_batch: int) -> float | None:
        async def one_call() -> None:
            assert await runtime.eval_async("Promise.resolve(1)") == 1

        return asyncio.run(median_seconds_async(one_call, batches, per_batch))

    def time_async_timer0(self, runtime: Any, batches: int, per_batch: int) -> float | None:
        async def one_call() -> None:
            assert await runtime.eval_async(TIMER0) == 1

        return asyncio.run(median_seconds_async(one_call, batches, per_batch))

    def create_with_timeout(self, seconds: float) -> Any:
        # The reference's sync eval takes no timeout of its own: only the config's arms the
        # watchdog (a thread that sleeps in slices of at most 10 ms).
        return self.jsrun.Runtime(self.jsrun.RuntimeConfig(timeout=seconds))

    def eval_timing_out(self, runtime: Any, code: str, seconds: float) -> None:
        """Runs `code`, which must raise the timeout error of a runtime from create_with_timeout."""
        try:
            runtime.eval(code)
        except RuntimeError as error:  # "Evaluation failed: Sync evaluation timed out after 50ms"
            if "timed out" not in str(error):
                raise
            return
        raise AssertionError(f"{code} did not time out")

    def time_host_calls(
        self, script: Callable[[int], str], calls: int, expected: int, runs: int
    ) -> list[float] | None:
        """Seconds of each of `runs` evaluations of `script(calls)`, after a warm-up.

        The functions go through `Runtime.bind` (bind_function with the name given: a
        lambda's own name, `<lambda>`, is not an identifier), so JavaScript calls them
        through `__host_op_sync__`.
        """
        runtime = self.create()
        try:
            runtime.bind(lambda x: x + 1, name="f")
            runtime.bind(lambda s, n: {s: n}, name="g")
            runtime.eval(script(max(calls // 10, 1)))  # warm-up
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                result = runtime.eval(script(calls))
                samples.append(time.perf_counter() - start)
                assert result == expected, f"the loop gave {result!r}, not {expected}"
            return samples
        finally:
            self.close(runtime)

    def time_host_calls_async(self, calls: int, runs: int) -> list[float] | None:
        """(k): `h` bound as an async op (a Promise in JavaScript), awaited in a loop.

        Async ops run as coroutines on the loop of the eval_async call in progress, and need
        one (spec section 3.1): all the evaluations are awaited inside one asyncio.run.
        """
        runtime = self.create()

        async def run() -> list[float]:
            runtime.bind(host_h, name="h")
            await runtime.eval_async(host_call_async_script(max(calls // 10, 1)))  # warm-up
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                result = await runtime.eval_async(host_call_async_script(calls))
                samples.append(time.perf_counter() - start)
                assert result == calls, f"the loop gave {result!r}, not {calls}"
            return samples

        try:
            return asyncio.run(run())
        finally:
            self.close(runtime)


    def time_module_graph(self, runs: int, cold: bool = False) -> tuple[list[float], list[float]] | None:
        """(l) add_static_module + eval_module, and (m) set_module_resolver + set_module_loader
        (async) + eval_module_async, each in a fresh runtime (one entry module per runtime is
        all jsrun allows, and modules are cached per runtime); only the evaluation is timed.
        With `cold`, every run has sources of its own."""
        runs_made = iter(range(1_000_000))

        def next_graph() -> dict[str, str]:
            return module_graph(salt=f"cold run {next(runs_made)}" if cold else None)

        def static_run() -> float:
            graph = next_graph()
            runtime = self.create()
            try:
                for name, source in graph.items():
                    runtime.add_static_module(name, source)
                start = time.perf_counter()
                exports = runtime.eval_module("m0")
                elapsed = time.perf_counter() - start
            finally:
                self.close(runtime)
            assert exports["total"] == MODULE_GRAPH_SIZE, f"the graph gave {exports!r}"
            return elapsed

        async def async_run() -> float:
            graph = next_graph()

            async def load(url: str) -> str:
                return graph[url.removeprefix("bench:")]

            runtime = self.create()
            try:
                runtime.set_module_resolver(lambda specifier, referrer: f"bench:{specifier}")
                runtime.set_module_loader(load)
                start = time.perf_counter()
                exports = await runtime.eval_module_async("m0")
                elapsed = time.perf_counter() - start
            finally:
                self.close(runtime)
            assert exports["total"] == MODULE_GRAPH_SIZE, f"the graph gave {exports!r}"
            return elapsed

        async def async_runs() -> list[float]:
            return [await async_run() for _ in range(runs)]

        static_run()  # warm-ups
        asyncio.run(async_run())
        return [static_run() for _ in range(runs)], asyncio.run(async_runs())


class MiniRacerPeer:
    """py_mini_racer: `MiniRacer()`, `.eval`, `.execute` (JSON), promises' `.get()`, `.close()`."""

    def __init__(self) -> None:
        from py_mini_racer import MiniRacer  # imported here so the parent never loads V8

        self.mini_racer = MiniRacer

    def create(self) -> Any:
        return self.mini_racer()

    def eval(self, runtime: Any, code: str) -> Any:
        return runtime.eval(code)

    def close(self, runtime: Any) -> None:
        runtime.close()

    def objects(self, runtime: Any) -> list:
        # `eval` would return a lazy JSArray proxy that costs one round trip per property
        # read (~14 s to read all 20,000 objects); `execute` is mini-racer's documented way
        # to return composite values: JSON.stringify in V8, json.loads in Python.
        return runtime.execute("makeObjects()")

    def time_values(self, runs: int) -> dict[str, float | None]:
        """(n) through `execute` (JSON), as for objects; no equivalent of the others."""
        runtime = self.create()
        try:
            runtime.eval(VALUES_SETUP)

            def out_rows() -> None:
                assert len(runtime.execute("rows")) == 20000

            median_seconds(out_rows, 2, 1)
            figures: dict[str, float | None] = {"rows_20k_to_swift_ms": median_seconds(out_rows, runs, 1) * 1e3}
        finally:
            self.close(runtime)
        print(
            "peers.py: mini_racer: no host-to-JavaScript arguments or binary results, no values figures but rows",
            file=sys.stderr,
        )
        return {**figures, "rows_20k_to_js_ms": None, "bytes_16mib_out_gbps": None, "bytes_16mib_in_gbps": None}

    def time_async_resolved(self, runtime: Any, batches: int, per_batch: int) -> float | None:
        def one_call() -> None:
            assert runtime.eval("Promise.resolve(1)").get() == 1

        return median_seconds(one_call, batches, per_batch)

    def time_async_timer0(self, runtime: Any, batches: int, per_batch: int) -> float | None:
        # mini-racer's setTimeout is a JavaScript polyfill over Atomics.waitAsync. In 0.14.1 a
        # delay of 0 makes it throw ("Atomics.waitAsync(...).value.then is not a function":
        # a zero wait settles synchronously): then there is no figure, and stderr says why.
        def one_call() -> None:
            assert runtime.eval(TIMER0).get() == 1

        try:
            one_call()
        except Exception as error:  # noqa: BLE001 - any failure means no equivalent
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            print(f"peers.py: mini_racer: setTimeout(f, 0) fails, no figure: {reason}", file=sys.stderr)
            return None
        return median_seconds(one_call, batches, per_batch)

    def create_with_timeout(self, seconds: float) -> Any:
        return self.mini_racer()

    def eval_timing_out(self, runtime: Any, code: str, seconds: float) -> None:
        """Runs `code`, which must raise JSTimeoutException after `seconds`."""
        from py_mini_racer import JSTimeoutException

        try:
            # `timeout_sec`: the same as the deprecated `timeout=` in milliseconds.
            runtime.eval(code, timeout_sec=seconds)
        except JSTimeoutException:
            return
        raise AssertionError(f"{code} did not time out")

    def time_host_calls(
        self, script: Callable[[int], str], calls: int, expected: int, runs: int
    ) -> list[float] | None:
        # wrap_py_function is mini-racer's only way to call Python from JavaScript, and it
        # takes async functions only: JavaScript gets a Promise, so a synchronous loop
        # `s = f(s)` cannot be written. No figure; stderr says why.
        print(
            "peers.py: mini_racer: no synchronous host functions (wrap_py_function makes "
            "async ones only, returning a Promise), no figure",
            file=sys.stderr,
        )
        return None

    def time_host_calls_async(self, calls: int, runs: int) -> list[float] | None:
        """(k) through wrap_py_function, installed on globalThis as its README shows.

        wrap_py_function must run on the MiniRacer's event loop, which is the running loop
        of the code that creates it: the MiniRacer is made inside asyncio.run.
        """

        async def run() -> list[float]:
            runtime = self.create()
            try:
                async with runtime.wrap_py_function(host_h) as function:
                    runtime.eval("globalThis")["h"] = function
                    await runtime.eval(host_call_async_script(max(calls // 10, 1)))  # warm-up
                    samples = []
                    for _ in range(runs):
                        start = time.perf_counter()
                        result = await runtime.eval(host_call_async_script(calls))
                        samples.append(time.perf_counter() - start)
                        assert result == calls, f"the loop gave {result!r}, not {calls}"
                    return samples
            finally:
                self.close(runtime)

        return asyncio.run(run())

    def time_module_graph(self, runs: int, cold: bool = False) -> tuple[list[float], list[float]] | None:
        print("peers.py: mini_racer: no ES module loading (no import of other modules), no figure", file=sys.stderr)
        return None


PEERS: dict[str, Callable[[], Any]] = {"jsrun": JsrunPeer, "mini_racer": MiniRacerPeer}


# --- Timing -----------------------------------------------------------------------------


def median_seconds(body: Callable[[], Any], batches: int, per_batch: int) -> float:
    """Median time per call, in seconds, over `batches` batches of `per_batch` calls."""
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            body()
        samples.append((time.perf_counter() - start) / per_batch)
    return statistics.median(samples)


async def median_seconds_async(body: Callable[[], Any], batches: int, per_batch: int) -> float:
    """median_seconds for a coroutine function, awaited inside the running loop."""
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            await body()
        samples.append((time.perf_counter() - start) / per_batch)
    return statistics.median(samples)


# --- The measurements, one per group ----------------------------------------------------


def measure_round_trip(peer: Any, scale: int) -> dict[str, float]:
    runtime = peer.create()
    try:
        median_seconds(lambda: peer.eval(runtime, "1+1"), 3, 1000 // scale)  # warm-up
        seconds = median_seconds(lambda: peer.eval(runtime, "1+1"), 20, 2000 // scale)
    finally:
        peer.close(runtime)
    return {"eval_round_trip_us": seconds * 1e6}


def measure_async_resolved(peer: Any, scale: int) -> dict[str, float | None]:
    runtime = peer.create()
    try:
        peer.time_async_resolved(runtime, 3, 300 // scale)  # warm-up
        seconds = peer.time_async_resolved(runtime, 20, 1000 // scale)
    finally:
        peer.close(runtime)
    return {"eval_async_resolved_us": None if seconds is None else seconds * 1e6}


def measure_async_timer0(peer: Any, scale: int) -> dict[str, float | None]:
    # A call waits at least setTimeout's 1 ms minimum: fewer calls than async_resolved.
    runtime = peer.create()
    try:
        seconds = peer.time_async_timer0(runtime, 3, 50 // scale)  # warm-up
        if seconds is not None:
            seconds = peer.time_async_timer0(runtime, 20, 100 // scale)
    finally:
        peer.close(runtime)
    return {"eval_async_timer0_us": None if seconds is None else seconds * 1e6}


def measure_timeout(peer: Any, scale: int) -> dict[str, float]:
    """Median of (elapsed - timeout) for a busy loop; the runtime must answer 1+1 after each."""

    def one_overrun() -> float:
        start = time.perf_counter()
        peer.eval_timing_out(runtime, BUSY_LOOP, BUSY_TIMEOUT_SECONDS)
        overrun = time.perf_counter() - start - BUSY_TIMEOUT_SECONDS
        assert peer.eval(runtime, "1+1") == 2, "the runtime no longer answers after a timeout"
        return overrun

    runtime = peer.create_with_timeout(BUSY_TIMEOUT_SECONDS)
    try:
        one_overrun()  # warm-up
        samples = [one_overrun() for _ in range(10 if scale == 1 else 3)]
    finally:
        peer.close(runtime)
    return {"timeout_overrun_ms": statistics.median(samples) * 1e3}


def measure_lifecycle(peer: Any, scale: int) -> dict[str, float]:
    def create_eval_close() -> None:
        runtime = peer.create()
        peer.eval(runtime, "1+1")
        peer.close(runtime)

    median_seconds(create_eval_close, 1, 5)  # warm-up: V8's one-time initialisation
    full = scale == 1
    seconds = median_seconds(create_eval_close, 20 if full else 10, 5 if full else 1)
    return {"create_eval_close_ms": seconds * 1e3}


def measure_objects(peer: Any, scale: int) -> dict[str, float]:
    runtime = peer.create()
    try:
        peer.eval(runtime, MAKE_OBJECTS)
        timed_object_calls(peer, runtime, 2)  # warm-up
        samples = timed_object_calls(peer, runtime, 20 if scale == 1 else 5)
    finally:
        peer.close(runtime)
    return {"objects_20k_ms": statistics.median(samples) * 1e3}


def timed_object_calls(peer: Any, runtime: Any, count: int) -> list[float]:
    """Seconds of `count` successful makeObjects() calls.

    jsrun 0.3.0 fails about 1 call in 100 with "Cannot serialize circular reference" on
    this acyclic array; such a call is reported and not timed, but the figure is given up
    if that happens more often than the calls that succeed.
    """
    samples: list[float] = []
    failures = 0
    while len(samples) < count:
        start = time.perf_counter()
        try:
            objects = peer.objects(runtime)
        except RuntimeError as error:
            failures += 1
            print(f"peers.py: makeObjects() failed ({failures}): {error}", file=sys.stderr)
            if failures > count:
                raise
            continue
        samples.append(time.perf_counter() - start)
        assert len(objects) == 20000 and objects[-1]["s"] == "item19999"
    return samples


def measure_memory(peer: Any, scale: int) -> dict[str, float]:
    """RSS per idle runtime, RSS returned on close and idle CPU, from a fresh process."""
    import psutil

    process = psutil.Process()

    def cpu_seconds() -> float:
        times = process.cpu_times()
        return times.user + times.system

    # One runtime first, so the library's one-time initialisation is not counted.
    warm = peer.create()
    peer.eval(warm, "1+1")
    peer.close(warm)
    gc.collect()
    baseline = process.memory_info().rss

    runtimes = [peer.create() for _ in range(IDLE_RUNTIMES)]
    for runtime in runtimes:
        peer.eval(runtime, "1+1")
    time.sleep(0.5)
    active = process.memory_info().rss

    idle_seconds = 2.0 if scale == 1 else 1.0
    cpu_before, wall_before = cpu_seconds(), time.perf_counter()
    time.sleep(idle_seconds)
    cpu_used, wall = cpu_seconds() - cpu_before, time.perf_counter() - wall_before

    for runtime in runtimes:
        peer.close(runtime)
    runtimes.clear()
    gc.collect()
    time.sleep(0.5)
    closed = process.memory_info().rss

    return {
        "idle_rss_mb_per_runtime": (active - baseline) / IDLE_RUNTIMES / MEGABYTE,
        "rss_returned_after_close_mb": (active - closed) / MEGABYTE,
        "idle_cpu_percent": cpu_used / wall * 100,
    }


def measure_host_call_double(peer: Any, scale: int) -> dict[str, float | None]:
    calls = HOST_SYNC_CALLS // scale
    runs = HOST_RUNS if scale == 1 else HOST_RUNS_QUICK
    samples = peer.time_host_calls(host_call_double_script, calls, calls, runs)
    per_call = None if samples is None else statistics.median(samples) / calls
    return {"host_call_double_ns": None if per_call is None else per_call * 1e9}


def measure_host_call_typed(peer: Any, scale: int) -> dict[str, float | None]:
    calls = HOST_SYNC_CALLS // scale
    runs = HOST_RUNS if scale == 1 else HOST_RUNS_QUICK
    samples = peer.time_host_calls(host_call_typed_script, calls, calls * (calls - 1) // 2, runs)
    per_call = None if samples is None else statistics.median(samples) / calls
    return {"host_call_typed_ns": None if per_call is None else per_call * 1e9}


def measure_host_call_async(peer: Any, scale: int) -> dict[str, float | None]:
    calls = HOST_ASYNC_CALLS // scale
    runs = HOST_RUNS if scale == 1 else HOST_RUNS_QUICK
    samples = peer.time_host_calls_async(calls, runs)
    per_call = None if samples is None else statistics.median(samples) / calls
    return {"host_call_async_us": None if per_call is None else per_call * 1e6}


def measure_values(peer: Any, scale: int) -> dict[str, float | None]:
    return peer.time_values(20 if scale == 1 else 5)


def measure_module_graph(peer: Any, scale: int) -> dict[str, float | None]:
    runs = MODULE_RUNS if scale == 1 else MODULE_RUNS_QUICK
    figures: dict[str, float | None] = {}
    for cold, suffix in ((False, ""), (True, "_cold")):
        samples = peer.time_module_graph(runs, cold=cold)
        static, loaded = samples if samples is not None else (None, None)
        figures[f"module_graph_static{suffix}_ms"] = None if static is None else statistics.median(static) * 1e3
        figures[f"module_graph_async_loader{suffix}_ms"] = None if loaded is None else statistics.median(loaded) * 1e3
    return figures


MEASUREMENTS = {
    "round_trip": measure_round_trip,
    "async_resolved": measure_async_resolved,
    "async_timer0": measure_async_timer0,
    "timeout": measure_timeout,
    "lifecycle": measure_lifecycle,
    "objects": measure_objects,
    "memory": measure_memory,
    "host_call_double": measure_host_call_double,
    "host_call_typed": measure_host_call_typed,
    "host_call_async": measure_host_call_async,
    "values": measure_values,
    "module_graph": measure_module_graph,
}


def run_measurement(library: str, group: str, scale: int) -> None:
    """Hidden subprocess entry: prints one group's figures for one library as JSON."""
    figures = MEASUREMENTS[group](PEERS[library](), scale)
    print(json.dumps(figures), flush=True)


# --- The parent: one subprocess per measurement -----------------------------------------


def measure_in_subprocess(library: str, group: str, quick: bool, timeout: float) -> dict:
    """Runs one group in a fresh process; on a crash, hang or error its figures are null."""
    missing = {key: None for key in GROUPS[group]}
    if timeout <= 0:
        print(f"peers.py: {library} {group}: skipped, library time budget spent", file=sys.stderr)
        return missing
    command = [sys.executable, __file__, "--measure", library, group] + (["--quick"] if quick else [])
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"peers.py: {library} {group}: timed out after {timeout:.0f} s", file=sys.stderr)
        return missing
    figures = parse_figures(result.stdout)
    if result.returncode != 0:
        # jsrun 0.3.0 may abort in interpreter teardown after eval_async, once the figures
        # are printed: keep figures that were printed, but say that it crashed.
        outcome = "kept the figures it printed first" if figures else "no figures"
        print(f"peers.py: {library} {group}: exited with {result.returncode}; {outcome}", file=sys.stderr)
    return {**missing, **(figures or {})}


def parse_figures(stdout: str) -> dict | None:
    """The JSON object on the measuring process's last line of output, if any."""
    lines = stdout.strip().splitlines()
    try:
        figures = json.loads(lines[-1]) if lines else None
    except ValueError:
        figures = None
    return figures if isinstance(figures, dict) else None


def measure_library(library: str, quick: bool, groups: list[str]) -> dict:
    deadline = time.monotonic() + LIBRARY_TIMEOUT_SECONDS
    figures: dict = {}
    for group in groups:
        figures.update(measure_in_subprocess(library, group, quick, deadline - time.monotonic()))
    return {key: figures.get(key) for group in groups for key in GROUPS[group]}


def print_table(results: dict[str, dict]) -> None:
    libraries = list(results)
    print(f"{'figure':<30}" + "".join(f"{name:>14}" for name in libraries))
    for key in (key for key in KEYS if any(key in figures for figures in results.values())):
        cells = (results[name].get(key) for name in libraries)
        print(f"{key:<30}" + "".join(f"{'-' if v is None else f'{v:.3f}':>14}" for v in cells))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark figures for JSRun's peer libraries.")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="~10x fewer iterations")
    parser.add_argument("--one", metavar="LIB", help="measure only LIB: jsrun or mini_racer")
    parser.add_argument("--only", metavar="GROUPS", help="measure only these groups, comma-separated")
    parser.add_argument("--measure", nargs=2, metavar=("LIB", "GROUP"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    arguments.groups = arguments.only.split(",") if arguments.only else list(GROUPS)
    unknown = [group for group in arguments.groups if group not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; the groups are {', '.join(GROUPS)}")
    if arguments.one is not None:
        arguments.one = arguments.one.replace("-", "_")
        if arguments.one not in LIBRARIES:
            parser.error(f"--one must be one of {', '.join(LIBRARIES)}")
    return arguments


def main() -> None:
    arguments = parse_arguments()
    if arguments.measure:
        library, group = arguments.measure
        run_measurement(library, group, 10 if arguments.quick else 1)
        return
    libraries = [arguments.one] if arguments.one else list(LIBRARIES)
    results = {library: measure_library(library, arguments.quick, arguments.groups) for library in libraries}
    if arguments.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)


if __name__ == "__main__":
    main()
