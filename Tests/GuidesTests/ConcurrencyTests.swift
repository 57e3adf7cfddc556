import JSRun
import JSRunGuides
import JSRunTestSupport
import Synchronization
import Testing

/// What docs/guides/Concurrency.md says its snippets give.
@Suite struct ConcurrencyTests {
    @Test func sharedRuntime() async throws {
        #expect(try await Concurrency.sharedRuntime() == 100)
    }

    @Test func parallelRuntimes() async throws {
        #expect(try await Concurrency.parallelRuntimes() == [6765, 10946, 17711, 28657])
    }

    @Test func terminate() async throws {
        let (error, isClosed) = try await Concurrency.terminate()
        #expect(error == .terminated)
        #expect(isClosed)
    }

    @Test func cancel() async throws {
        let (cancelled, after) = try await Concurrency.cancel()
        #expect(cancelled)
        #expect(after == "still usable")
    }

    @Test func actorOwned() async throws {
        #expect(try await Concurrency.actorOwned() == "handled click")
    }

    @Test func timers() async throws {
        #expect(try await Concurrency.timers() == ["script", "timer"])
    }

    /// On a thread of its own: the default runtime is the thread's, and a pool thread's would
    /// outlive the test.
    @Test func defaultRuntime() async throws {
        let (count, fresh) = try await onNewThread { try Concurrency.defaultRuntime() }.value
        #expect(count == 2)
        #expect(fresh == "undefined")
    }

    @Test func scope() async throws {
        #expect(try await Concurrency.scope() == 6)
    }

    @Test func hostThreads() async throws {
        let (sum, onRuntimeThread) = try await Concurrency.hostThreads()
        #expect(sum == 3)
        #expect(onRuntimeThread == [true, false])
    }

    /// A timer callback that throws is reported to the console; the other timers still run.
    @Test func aThrowingTimerIsReported() async throws {
        let messages = Mutex<[String]>([])
        let runtime = try Runtime(
            RuntimeConfig(console: .handler { message in messages.withLock { $0.append(message.text) } }))
        defer { runtime.close() }
        try runtime.eval(
            "globalThis.log = []; setTimeout(() => { throw new Error('tick failed') }); setTimeout(() => log.push(2))")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("log") == [2])
        #expect(messages.withLock { $0 }.contains { $0.contains("tick failed") })
    }

    /// close() inside a host function returns at once; the script is stopped.
    @Test func closeFromTheRuntimesOwnThread() throws {
        let runtime = try Runtime()
        try runtime.bind("closeMe") { (_: [JSValue]) -> JSValue in
            runtime.close()
            return .null
        }
        #expect(throws: RuntimeError.closed) { try runtime.eval("closeMe(); while (true) {}") }
        #expect(runtime.isClosed)
    }

    /// waitUntilIdle() waits for async host functions that are still running, and for what
    /// their promises run when they settle.
    @Test func waitUntilIdleWaitsForAsyncHostFunctions() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.bind("slow") { (x: Int) async throws -> Int in
            try await Task.sleep(for: .milliseconds(200))
            return x
        }
        try runtime.eval("slow(1).then(v => { globalThis.settled = v }); 0")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("settled") == 1)
    }
}
