import JSRunConvert
import Testing

@testable import JSRunIsolate

/// Hostile code, case by case: each ends with the right error, and the runtime works next
/// (or, where it cannot survive, a fresh one does). The table in Isolate.docc says which.
@Suite struct HostileCodeTests {
    @Test func anInfiniteLoop() throws {
        let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(50)))
        defer { runtime.close() }
        #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try runtime.eval("while (true) {}") }
        #expect(try runtime.eval("'survives'") == "survives")
    }

    @Test func aHeapBomb() throws {
        let runtime = try Runtime(RuntimeConfig(maxHeapSize: 32 << 20))
        #expect(throws: RuntimeError.heapLimitExceeded(32 << 20)) {
            try runtime.eval("let s = 'x'; const all = []; for (;;) { all.push(s); s = s + s.slice(0, 1000) + 'y' }")
        }
        #expect(runtime.isClosed)
        let fresh = try Runtime()
        #expect(try fresh.eval("'fresh'") == "fresh")
        fresh.close()
    }

    @Test func deepRecursion() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("(function f(n) { return f(n + 1) })(0)") }
        #expect(error?.name == "RangeError")
        #expect(try runtime.eval("'survives'") == "survives")
    }

    @Test func aHundredMegabyteString() throws {
        // Past the default limit of 64 MiB a value is refused whole...
        let limited = try Runtime()
        defer { limited.close() }
        let refused = #expect(throws: RuntimeError.self) { try limited.eval("'x'.repeat(100 * 1024 * 1024)") }
        #expect(refused?.description.contains("more than the limit of 67108864 bytes") == true)
        #expect(try limited.eval("'survives'") == "survives")
        // ...and with a higher limit it arrives.
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: 200 << 20)))
        defer { runtime.close() }
        let text = try runtime.eval("'x'.repeat(100 * 1024 * 1024)")
        #expect(text.stringValue?.utf8.count == 100 * 1024 * 1024)
        // Past V8's longest string, a RangeError, not a crash.
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("'x'.repeat(2 ** 30)") }
        #expect(error?.name == "RangeError")
        #expect(try runtime.eval("'survives'") == "survives")
    }

    @Test func aPromiseThatNeverSettles() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        // With a timeout: the timeout.
        await #expect(throws: RuntimeError.timedOut(.milliseconds(30))) {
            try await runtime.evalAsync("new Promise(() => {})", timeout: .milliseconds(30))
        }
        // Without one: it waits until the caller gives up (cancellation) or the runtime closes.
        let forever = Task { try await runtime.evalAsync("new Promise(() => {})") }
        try await Task.sleep(for: .milliseconds(20))
        forever.cancel()
        await #expect(throws: CancellationError.self) { try await forever.value }
        #expect(try await runtime.evalAsync("Promise.resolve('survives')") == "survives")
    }

    @Test func aTimerStorm() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.eval("globalThis.fired = 0; for (let i = 0; i < 100000; i++) setTimeout(() => fired++, i % 10)")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("fired") == 100_000)
        #expect(try runtime.eval("'survives'") == "survives")
    }
}
