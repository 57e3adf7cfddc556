// jsrun-figures: JSRun's benchmark figures as one JSON object, the same keys as
// peers/peers.py, for `make bench-compare`. Release build: `swift run -c release Figures`.
import Foundation
import JSRun
import Workloads

/// Median time per call, in seconds, over `batches` batches of `perBatch` calls.
func medianSeconds(batches: Int, perBatch: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<batches {
        let start = ContinuousClock.now
        for _ in 0..<perBatch { try body() }
        let elapsed = start.duration(to: .now)
        samples.append(
            (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)) / Double(perBatch))
    }
    return samples.sorted()[samples.count / 2]
}

/// Runs on the global executor, as a server's tasks do: called from the main actor, every call
/// would also pay two executor hops that are the benchmark's, not the runtime's.
@concurrent
func medianSecondsAsync(batches: Int, perBatch: Int, _ body: @Sendable () async throws -> Void) async rethrows
    -> Double
{
    var samples: [Double] = []
    for _ in 0..<batches {
        let start = ContinuousClock.now
        for _ in 0..<perBatch { try await body() }
        let elapsed = start.duration(to: .now)
        samples.append(
            (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)) / Double(perBatch))
    }
    return samples.sorted()[samples.count / 2]
}

/// (l), (m) Loads the 200-module graph in fresh runtimes: the median of `runs` evaluations
/// of `m0`, each in a runtime of its own (creating it and registering the graph are not timed;
/// modules are cached per runtime). In ms. The `_cold` figures give every run sources of its
/// own, compiled for the first time in the process: no code from the shim's code cache.
@concurrent
func moduleGraphFigures(runs: Int) async throws -> [String: Double] {
    func median(
        _ prepare: (Runtime, String?) -> Void, cold: Bool = false, _ measure: (Runtime) async throws -> Void
    ) async throws -> Double {
        var samples: [Double] = []
        for run in 0..<runs {
            let runtime = try Runtime()
            prepare(runtime, cold ? "cold run \(run)" : nil)
            let start = ContinuousClock.now
            try await measure(runtime)
            samples.append(start.duration(to: .now) / .milliseconds(1))
            runtime.close()
        }
        return samples.sorted()[samples.count / 2]
    }
    // Warm-ups, for V8's and the code's first use.
    for salt in ["warm-up", nil, nil] {
        let runtime = try Runtime()
        Workloads.setModuleGraphLoader(runtime, salt: salt)
        try await Workloads.evalModuleGraphAsync(runtime)
        runtime.close()
    }
    return [
        "module_graph_static_ms": try await median(Workloads.addStaticModuleGraph) {
            try Workloads.evalModuleGraph($0)
        },
        "module_graph_async_loader_ms": try await median(Workloads.setModuleGraphLoader) {
            try await Workloads.evalModuleGraphAsync($0)
        },
        "module_graph_static_cold_ms": try await median(Workloads.addStaticModuleGraph, cold: true) {
            try Workloads.evalModuleGraph($0)
        },
        "module_graph_async_loader_cold_ms": try await median(Workloads.setModuleGraphLoader, cold: true) {
            try await Workloads.evalModuleGraphAsync($0)
        },
    ]
}

/// (i)-(k): JavaScript calling Swift functions in a loop, one evaluation of the whole loop per
/// run; the figure is a run's time divided by its calls. A runtime of their own, bound once.
@concurrent
func hostCallFigures(scale: Int, runs: Int) async throws -> [String: Double] {
    let runtime = try Runtime()
    defer { runtime.close() }
    try Workloads.bindHostFunctions(runtime)
    let syncCalls = 100_000 / scale
    let asyncCalls = 20_000 / scale
    try Workloads.hostCallsDouble(runtime, calls: syncCalls / 10)  // warm-ups
    try Workloads.hostCallsTyped(runtime, calls: syncCalls / 10)
    try await Workloads.hostCallsAsync(runtime, calls: asyncCalls / 10)
    let double = try medianSeconds(batches: runs, perBatch: 1) {
        try Workloads.hostCallsDouble(runtime, calls: syncCalls)
    }
    let typed = try medianSeconds(batches: runs, perBatch: 1) {
        try Workloads.hostCallsTyped(runtime, calls: syncCalls)
    }
    let async = try await medianSecondsAsync(batches: runs, perBatch: 1) {
        try await Workloads.hostCallsAsync(runtime, calls: asyncCalls)
    }
    return [
        "host_call_double_ns": double / Double(syncCalls) * 1e9,
        "host_call_typed_ns": typed / Double(syncCalls) * 1e9,
        "host_call_async_us": async / Double(asyncCalls) * 1e6,
    ]
}

/// Prints the figures: JSON with `--json`, else one per line.
func printFigures(_ figures: [String: Double]) throws {
    if CommandLine.arguments.contains("--json") {
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        for (key, value) in figures.sorted(by: { $0.key < $1.key }) {
            print(key.padding(toLength: 36, withPad: " ", startingAt: 0), String(format: "%.3f", value))
        }
    }
}

let quick = CommandLine.arguments.contains("--quick")
let scale = quick ? 10 : 1
let moduleRuns = quick ? 5 : 20

// `--only-modules`: the module graph's figures alone, (l) and (m).
if CommandLine.arguments.contains("--only-modules") {
    try printFigures(try await moduleGraphFigures(runs: moduleRuns))
    exit(0)
}

// `--only-host`: the host-call figures alone, (i) to (k).
if CommandLine.arguments.contains("--only-host") {
    try printFigures(try await hostCallFigures(scale: scale, runs: quick ? 3 : 5))
    exit(0)
}

// Memory first, while the process is fresh.
let memory = try Workloads.idleMemory(idle: quick ? .seconds(1) : .seconds(2))

// `--only-lifecycle`: a runtime's life alone, (c) and (e): create + eval + close (the median
// batch, as below, and the best single run of 200), and memory. For A/B runs of two builds.
if CommandLine.arguments.contains("--only-lifecycle") {
    _ = try medianSeconds(batches: 2, perBatch: 5) { try Workloads.createEvalClose() }  // warm-up
    var samples: [Double] = []
    let lifecycle = try medianSeconds(batches: 20, perBatch: 10 / (quick ? 2 : 1)) {
        let start = ContinuousClock.now
        try Workloads.createEvalClose()
        samples.append(start.duration(to: .now) / .milliseconds(1))
    }
    try printFigures([
        "create_eval_close_ms": lifecycle * 1e3,
        "create_eval_close_best_ms": samples.min() ?? 0,
        "idle_rss_mb_per_runtime": memory.perRuntimeMB,
        "rss_returned_after_close_mb": memory.returnedAfterCloseMB,
        "idle_cpu_percent": memory.idleCPUPercent,
    ])
    exit(0)
}

let runtime = try Runtime()
_ = try medianSeconds(batches: 3, perBatch: 1000) { _ = try Workloads.evalRoundTrip(runtime) }  // warm-up
let roundTrip = try medianSeconds(batches: 20, perBatch: 20_000 / scale / 10) {
    _ = try Workloads.evalRoundTrip(runtime)
}
let asyncResolved = try await medianSecondsAsync(batches: 20, perBatch: 10_000 / scale / 10) {
    _ = try await Workloads.evalAsyncResolved(runtime)
}
// A call takes setTimeout's minimum delay of 1 ms and a little more: fewer calls than (b).
_ = try await medianSecondsAsync(batches: 3, perBatch: 50) {  // warm-up
    _ = try await Workloads.evalAsyncTimer0(runtime)
}
let asyncTimer0 = try await medianSecondsAsync(batches: 20, perBatch: 2000 / scale / 10) {
    _ = try await Workloads.evalAsyncTimer0(runtime)
}
// Each call takes the 50 ms timeout plus the overrun; one untimed call first, as the peers do.
_ = try Workloads.timeoutOverrun(runtime)
let overruns = try (0..<(quick ? 3 : 10)).map { _ in try Workloads.timeoutOverrun(runtime) }
let timeoutOverrun = overruns.sorted()[overruns.count / 2]
try runtime.eval(Workloads.objectsSetup)
let objects = try medianSeconds(batches: 20 / (quick ? 4 : 1), perBatch: 1) { _ = try Workloads.objects20k(runtime) }
runtime.close()
let lifecycle = try medianSeconds(batches: 10, perBatch: 10 / (quick ? 2 : 1)) { try Workloads.createEvalClose() }

// (n)-(q): values both ways, on data built once.
let valuesRuntime = try Runtime()
try valuesRuntime.eval(Workloads.valuesSetup)
let countFunction = try valuesRuntime.eval("count").function!
let rowsValue = Workloads.rowsValue()
let sixteenMiB = JSValue.bytes(JSBytes(Data(repeating: 7, count: 16 << 20)))
let valueRuns = quick ? 5 : 20
func warmedUp(_ body: () throws -> Void) throws -> Double {
    _ = try medianSeconds(batches: 2, perBatch: 1, body)
    return try medianSeconds(batches: valueRuns, perBatch: 1, body)
}
let rowsToSwift = try warmedUp { _ = try Workloads.rowsToJSValue(valuesRuntime) }
let rowsV8Serializer = try warmedUp { _ = try Workloads.rowsSerializedByV8(valuesRuntime) }
let rowsDecodable = try warmedUp { _ = try Workloads.rowsToDecodable(valuesRuntime) }
let rowsToJavaScript = try warmedUp { _ = try Workloads.rowsToJavaScript(countFunction, rowsValue) }
let bytesOut = try warmedUp { _ = try Workloads.bytesOut(valuesRuntime) }
let bytesIn = try warmedUp { _ = try Workloads.bytesIn(countFunction, sixteenMiB) }
valuesRuntime.close()
let gigabytesPerSecond = { (seconds: Double) in Double(16 << 20) / seconds / 1e9 }

let hostCalls = try await hostCallFigures(scale: scale, runs: quick ? 3 : 5)

let moduleGraph = try await moduleGraphFigures(runs: moduleRuns)

let figures: [String: Double] = [
    "eval_round_trip_us": roundTrip * 1e6,
    "eval_async_resolved_us": asyncResolved * 1e6,
    "eval_async_timer0_us": asyncTimer0 * 1e6,
    "timeout_overrun_ms": timeoutOverrun / .milliseconds(1),
    "create_eval_close_ms": lifecycle * 1e3,
    "objects_20k_ms": objects * 1e3,
    "idle_rss_mb_per_runtime": memory.perRuntimeMB,
    "rss_returned_after_close_mb": memory.returnedAfterCloseMB,
    "idle_cpu_percent": memory.idleCPUPercent,
    "rows_20k_to_swift_ms": rowsToSwift * 1e3,
    "rows_20k_v8_serializer_ms": rowsV8Serializer * 1e3,
    "rows_20k_decodable_ms": rowsDecodable * 1e3,
    "rows_20k_to_js_ms": rowsToJavaScript * 1e3,
    "bytes_16mib_out_gbps": gigabytesPerSecond(bytesOut),
    "bytes_16mib_in_gbps": gigabytesPerSecond(bytesIn),
].merging(moduleGraph) { first, _ in first }.merging(hostCalls) { first, _ in first }
try printFigures(figures)
