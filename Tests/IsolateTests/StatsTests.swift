import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

@Suite struct StatsTests {
    @Test func countersAndTimingsFollowTheCalls() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let fresh = try runtime.stats()
        #expect(fresh.evalSyncCount == 0 && fresh.lastExecutionKind == nil && fresh.totalExecutionTime == .zero)
        #expect(fresh.heapUsedBytes > 0 && fresh.heapTotalBytes >= fresh.heapUsedBytes && fresh.heapLimitBytes > 0)
        try runtime.eval("1")
        _ = try? runtime.eval("throw 1")  // failed calls count too
        try await runtime.evalAsync("Promise.resolve(2)")
        let double = try #require(try runtime.eval("(x) => x * 2").function)
        try double.call(1)
        try await double.callAsync(2)
        let stats = try runtime.stats()
        #expect(stats.evalSyncCount == 3)
        #expect(stats.evalAsyncCount == 1)
        #expect(stats.callFunctionSyncCount == 1)
        #expect(stats.callFunctionAsyncCount == 1)
        #expect(stats.lastExecutionKind == .callFunctionAsync)
        #expect(stats.totalExecutionTime >= stats.lastExecutionTime)
        #expect(stats.openResources == 1)
    }

    @Test func activityShowsPendingWork() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.eval("setTimeout(() => {}, 60000); setTimeout(() => {}, 60000); setInterval(() => {}, 60000)")
        let waiting = Task { try await runtime.evalAsync("new Promise(() => {})") }
        // The task may start late on a loaded machine: wait for its call to be pending.
        for _ in 0..<500 where try runtime.stats().activeAsyncOps == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let stats = try runtime.stats()
        #expect(stats.activeTimers == 2)
        #expect(stats.activeIntervals == 1)
        #expect(stats.activeAsyncOps == 1)
        waiting.cancel()
        _ = try? await waiting.value
    }

    @Test func statsAnswerWhileJavaScriptRuns() async throws {
        // The script says when it runs, through the console, and runs until it is cancelled,
        // so the test knows it is running whenever the test gets to run itself.
        let started = StartSignal()
        let runtime = try Runtime(RuntimeConfig(console: .handler { _ in started.signal() }))
        let busy = Task { try await runtime.evalAsync("console.log('started'); for (;;) {}") }
        try await started.wait()
        let stats = try runtime.stats()  // would wait forever if it queued behind the loop
        #expect(stats.heapUsedBytes > 0)
        #expect(stats.evalAsyncCount == 0)  // the loop has not finished
        busy.cancel()
        await #expect(throws: CancellationError.self) { try await busy.value }
        runtime.close()
        #expect(throws: RuntimeError.closed) { try runtime.stats() }
    }
}

/// Lets a test wait until JavaScript reports (through the console) that it runs.
final class StartSignal: Sendable {
    private let started = AsyncStream<Void>.makeStream()
    func signal() { started.continuation.yield() }
    func wait() async throws {
        for await _ in started.stream { return }
        throw CancellationError()
    }
}
