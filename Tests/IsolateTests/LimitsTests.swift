import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

@Suite struct LimitsTests {
    @Test func aTimeoutStopsABusyLoopAndTheRuntimeLivesOn() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let error = #expect(throws: RuntimeError.self) {
            try runtime.eval("while (true) {}", timeout: .milliseconds(50))
        }
        #expect(error == .timedOut(.milliseconds(50)))
        #expect(error?.description.contains("timed out after 50 ms") == true)
        #expect(try runtime.eval("1 + 1") == 2)
    }

    @Test func theConfiguredTimeoutAppliesToEveryCall() async throws {
        let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(50)))
        defer { runtime.close() }
        #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try runtime.eval("for (;;) {}") }
        await #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try await runtime.evalAsync("for (;;) {}") }
        // A call's own timeout wins over the configured one.
        #expect(throws: RuntimeError.timedOut(.milliseconds(20))) {
            try runtime.eval("for (;;) {}", timeout: .milliseconds(20))
        }
        #expect(try runtime.eval("'fine'") == "fine")
    }

    @Test func aTimeoutStopsAPromiseThatNeverSettlesAndTheRuntimeLivesOn() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        await #expect(throws: RuntimeError.timedOut(.milliseconds(30))) {
            try await runtime.evalAsync("new Promise(() => {})", timeout: .milliseconds(30))
        }
        // In the reference library this poisons the runtime; here the next calls work.
        #expect(try await runtime.evalAsync("Promise.resolve('alive')") == "alive")
        #expect(try runtime.stats().activeAsyncOps == 0)
    }

    @Test func aTimeoutOnAFunctionCallStopsABusyFunction() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let spin = try #require(try runtime.eval("(function spin() { for (;;) {} })").function)
        #expect(throws: RuntimeError.timedOut(.milliseconds(30))) { try spin.call(timeout: .milliseconds(30)) }
        #expect(try runtime.eval("2") == 2)
    }

    @Test func aDeadlineThatPassesWhileTheCallIsQueuedStopsItBeforeItRuns() async throws {
        let started = StartSignal()
        let runtime = try Runtime(RuntimeConfig(console: .handler { _ in started.signal() }))
        defer { runtime.close() }
        // The first call keeps the runtime busy until it is cancelled; once it runs (it says so
        // on the console), the second is queued behind it and its 30 ms timeout passes there:
        // its caller gets the error at once, and at its turn the call must not run its endless
        // loop. Nothing here depends on timing.
        let first = Task { try await runtime.evalAsync("console.log('started'); for (;;) {}") }
        try await started.wait()
        let second = onNewThread { try runtime.eval("globalThis.ran = true; for (;;) {}", timeout: .milliseconds(30)) }
        // The caller gets its timeout at the deadline, while its call still waits in the queue.
        await #expect(throws: RuntimeError.timedOut(.milliseconds(30))) { try await second.value }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(try runtime.eval("typeof ran") == "undefined")
        // A task cancelled before its call started does not run it either.
        let blocker = Task { try await runtime.evalAsync("console.log('started'); for (;;) {}") }
        try await started.wait()
        let cancelled = Task { try await runtime.evalAsync("globalThis.ran2 = true; for (;;) {}") }
        cancelled.cancel()
        // Its error comes at once, while the blocker still runs.
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        blocker.cancel()
        await #expect(throws: CancellationError.self) { try await blocker.value }
        #expect(try runtime.eval("typeof ran2") == "undefined")
    }

    @Test func cancellingTheTaskStopsTheJavaScript() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let busy = Task { try await runtime.evalAsync("for (;;) {}") }
        let waiting = Task { try await runtime.evalAsync("new Promise(() => {})") }
        try await Task.sleep(for: .milliseconds(30))
        busy.cancel()
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await busy.value }
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(try runtime.eval("3") == 3)
    }

    @Test func terminateStopsTheRunningScriptAndEveryLaterCall() async throws {
        let runtime = try Runtime()
        let looping = onNewThread { try runtime.eval("while (true) {}") }
        try await Task.sleep(for: .milliseconds(30))
        runtime.terminate()
        runtime.terminate()  // idempotent
        await #expect(throws: RuntimeError.terminated) { try await looping.value }
        #expect(throws: RuntimeError.terminated) { try runtime.eval("1") }
        await #expect(throws: RuntimeError.terminated) { try await runtime.evalAsync("1") }
        #expect(runtime.isClosed)
        runtime.close()  // a no-op after terminate
        #expect(throws: RuntimeError.terminated) { try runtime.eval("1") }
    }

    @Test func terminateAfterATimeoutReportsTheTermination() async throws {
        let runtime = try Runtime()
        #expect(throws: RuntimeError.timedOut(.milliseconds(10))) {
            try runtime.eval("for (;;) {}", timeout: .milliseconds(10))
        }
        // The reference reports the stale timeout here; the reason is per call.
        runtime.terminate()
        #expect(throws: RuntimeError.terminated) { try runtime.eval("1") }
    }

    @Test func exhaustingTheHeapEndsTheScriptNotTheProcess() throws {
        let residentBefore = Self.residentMegabytes()
        for _ in 0..<20 {
            let runtime = try Runtime(RuntimeConfig(maxHeapSize: 16 << 20))
            let error = #expect(throws: RuntimeError.self) {
                try runtime.eval("const keep = []; for (;;) keep.push(new Array(10000).fill({x: 1}))")
            }
            #expect(error == .heapLimitExceeded(16 << 20))
            #expect(runtime.isClosed)
            #expect(throws: RuntimeError.heapLimitExceeded(16 << 20)) { try runtime.eval("1") }
            runtime.close()
        }
        // Twenty heaps of 16 MiB were filled; their memory went back: the growth stays far below 320 MiB.
        #expect(Self.residentMegabytes() - residentBefore < 150)
        let next = try Runtime()
        #expect(try next.eval("'next runtime'") == "next runtime")
        next.close()
    }

    @Test func heapLimitsAreValidated() throws {
        #expect(throws: RuntimeError.self) { try Runtime(RuntimeConfig(maxHeapSize: 1024)) }
        let small = #expect(throws: RuntimeError.self) { try Runtime(RuntimeConfig(maxHeapSize: 1024)) }
        #expect(small?.description.contains("below the minimum of 4 MiB") == true)
        let alone = #expect(throws: RuntimeError.self) { try Runtime(RuntimeConfig(initialHeapSize: 8 << 20)) }
        #expect(alone?.description.contains("initialHeapSize needs maxHeapSize") == true)
        let larger = #expect(throws: RuntimeError.self) {
            try Runtime(RuntimeConfig(maxHeapSize: 8 << 20, initialHeapSize: 16 << 20))
        }
        #expect(larger?.description.contains("cannot exceed") == true)
        #expect(throws: RuntimeError.self) { try Runtime(RuntimeConfig(timeout: .zero)) }
        // The smallest accepted heap works.
        let smallest = try Runtime(RuntimeConfig(maxHeapSize: RuntimeConfig.minimumHeapSize))
        #expect(try smallest.eval("1") == 1)
        smallest.close()
    }

    @Test func deepRecursionIsARangeError() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("function f() { f() }; f()") }
        #expect(error?.name == "RangeError")
        #expect(error?.message == "Maximum call stack size exceeded")
        #expect(try runtime.eval("4") == 4)
    }

    static func residentMegabytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) >> 20
    }
}
