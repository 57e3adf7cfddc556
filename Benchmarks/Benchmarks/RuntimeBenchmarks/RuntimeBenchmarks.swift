import Benchmark
import Foundation
import JSRun
import Workloads

/// A runtime made in a benchmark's setup and closed in its teardown.
final class SharedRuntime: @unchecked Sendable {
    var runtime: Runtime?
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(3)
    )
    let shared = SharedRuntime()
    let setUp: Benchmark.BenchmarkSetupHook = { shared.runtime = try Runtime() }
    let tearDown: Benchmark.BenchmarkTeardownHook = { shared.runtime?.close() }

    Benchmark("(a) eval(\"1+1\") round trip", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Workloads.evalRoundTrip(shared.runtime!)) }
    } setup: {
        try await setUp()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(b) evalAsync of a resolved promise", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await Workloads.evalAsyncResolved(shared.runtime!)) }
    } setup: {
        try await setUp()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(c) create + eval + close a runtime") { benchmark in
        try Workloads.createEvalClose()
    }

    Benchmark("(d) 20,000 objects {i, s, f} to Swift") { benchmark in
        blackHole(try Workloads.objects20k(shared.runtime!))
    } setup: {
        try await setUp()
        try shared.runtime!.eval(Workloads.objectsSetup)
    } teardown: {
        try await tearDown()
    }

    Benchmark(
        "(e) resident memory per idle runtime",
        configuration: .init(
            metrics: [
                .custom("RSS per idle runtime (KB)"),
                .custom("RSS returned after close (KB)", polarity: .prefersLarger),
                .custom("CPU of 16 idle runtimes (% of a core)"),
            ],
            warmupIterations: 0, maxIterations: 3)
    ) { benchmark in
        let memory = try Workloads.idleMemory(idle: .milliseconds(500))
        benchmark.measurement(.custom("RSS per idle runtime (KB)"), Int(memory.perRuntimeMB * 1024))
        benchmark.measurement(
            .custom("RSS returned after close (KB)", polarity: .prefersLarger), Int(memory.returnedAfterCloseMB * 1024))
        benchmark.measurement(.custom("CPU of 16 idle runtimes (% of a core)"), Int(memory.idleCPUPercent.rounded()))
    }

    Benchmark(
        "(f) overrun past a 50 ms timeout of while(true){}",
        configuration: .init(
            metrics: [.custom("overrun past the deadline (µs)")],
            warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 20)
    ) { benchmark in
        let overrun = try Workloads.timeoutOverrun(shared.runtime!)
        benchmark.measurement(.custom("overrun past the deadline (µs)"), Int((overrun / .microseconds(1)).rounded()))
    } setup: {
        try await setUp()
    } teardown: {
        try await tearDown()
    }

    // About a millisecond a call (setTimeout's delay is at least 1 ms, as in Node): unscaled.
    Benchmark("(g) evalAsync of a setTimeout(0) promise") { benchmark in
        blackHole(try await Workloads.evalAsyncTimer0(shared.runtime!))
    } setup: {
        try await setUp()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(h) eval(\"1+1\", timeout: 1 s) round trip", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Workloads.evalRoundTripWithTimeout(shared.runtime!)) }
    } setup: {
        try await setUp()
    } teardown: {
        try await tearDown()
    }

    // (i)-(k): JavaScript calling a bound Swift function in a loop. One evaluation runs the
    // loop for all of an iteration's scaled iterations, so each figure is per call.
    let setUpHostFunctions: Benchmark.BenchmarkSetupHook = {
        try await setUp()
        try Workloads.bindHostFunctions(shared.runtime!)
    }

    Benchmark("(i) JavaScript calling f: (Double) -> Double", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        try Workloads.hostCallsDouble(shared.runtime!, calls: benchmark.scaledIterations.count)
    } setup: {
        try await setUpHostFunctions()
    } teardown: {
        try await tearDown()
    }

    Benchmark(
        "(j) JavaScript calling g: (String, Int) -> [String: Int]", configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        try Workloads.hostCallsTyped(shared.runtime!, calls: benchmark.scaledIterations.count)
    } setup: {
        try await setUpHostFunctions()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(k) JavaScript awaiting h: (Int) async -> Int", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        try await Workloads.hostCallsAsync(shared.runtime!, calls: benchmark.scaledIterations.count)
    } setup: {
        try await setUpHostFunctions()
    } teardown: {
        try await tearDown()
    }

    // (l), (m): a graph of 200 modules, loaded and evaluated in a fresh runtime each iteration
    // (modules are cached per runtime); only the evaluation of the entry is measured.
    Benchmark("(l) 200 modules from static modules") { benchmark in
        let runtime = try Runtime()
        defer { runtime.close() }
        Workloads.addStaticModuleGraph(runtime)
        benchmark.startMeasurement()
        try Workloads.evalModuleGraph(runtime)
        benchmark.stopMeasurement()
    }

    Benchmark("(m) 200 modules from an async loader") { benchmark in
        let runtime = try Runtime()
        defer { runtime.close() }
        Workloads.setModuleGraphLoader(runtime)
        benchmark.startMeasurement()
        try await Workloads.evalModuleGraphAsync(runtime)
        benchmark.stopMeasurement()
    }

    // (n)-(q): values both ways, on data built once per benchmark.
    let setUpValues: Benchmark.BenchmarkSetupHook = {
        let runtime = try Runtime()
        try runtime.eval(Workloads.valuesSetup)
        shared.runtime = runtime
    }

    Benchmark("(n) 20,000 rows {i, s, f} to a Swift JSValue") { benchmark in
        blackHole(try Workloads.rowsToJSValue(shared.runtime!))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(n') the same rows through V8's ValueSerializer alone") { benchmark in
        blackHole(try Workloads.rowsSerializedByV8(shared.runtime!))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(o) the same rows into a Decodable struct array") { benchmark in
        blackHole(try Workloads.rowsToDecodable(shared.runtime!))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(p) the same rows from Swift into JavaScript") { benchmark in
        let count = try shared.runtime!.eval("count").function!
        let rows = Workloads.rowsValue()
        benchmark.startMeasurement()
        blackHole(try Workloads.rowsToJavaScript(count, rows))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(q) a 16 MiB Uint8Array out of JavaScript") { benchmark in
        blackHole(try Workloads.bytesOut(shared.runtime!))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }

    Benchmark("(q) 16 MiB of bytes into JavaScript") { benchmark in
        let count = try shared.runtime!.eval("count").function!
        let bytes = JSValue.bytes(JSBytes(Data(repeating: 7, count: 16 << 20)))
        benchmark.startMeasurement()
        blackHole(try Workloads.bytesIn(count, bytes))
    } setup: {
        try await setUpValues()
    } teardown: {
        try await tearDown()
    }
}
