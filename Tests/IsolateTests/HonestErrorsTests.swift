import Foundation
import JSRunConvert
import JSRunPlatform
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

/// Honest errors and flags (issue "Hostile code", part 6): each error says what happened, and
/// a limit that cannot be is refused instead of crashing. Those that could crash the process
/// run in a child process of their own (an exit test).
@Suite struct HonestErrorsTests {
    /// The longest timeout a Duration holds: calls, timers and the error's text all cope (a
    /// timer's limit overflowed Int64 microseconds and crashed the process).
    @Test func aTimeoutOfAges() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let ages = Duration.seconds(Int64.max)
                let runtime = try Runtime(RuntimeConfig(timeout: ages))
                defer { runtime.close() }
                try check(try runtime.eval("6 * 7", timeout: ages) == 42, "eval failed")
                let later = try await runtime.evalAsync("new Promise(r => setTimeout(() => r('later'), 1))")
                try check(later == "later", "the timer gave \(later)")
                try await runtime.waitUntilIdle()
                let text = RuntimeError.timedOut(ages).description
                try check(text.contains("timed out after 9.223372036854776e+18 s"), "the message is \(text)")
            }
        }
    }

    /// Without `maxHeapSize`, the error gives V8's own limit (here set by a V8 flag, so that
    /// the script reaches it soon), not "0 bytes".
    @Test func theHeapLimitWithoutMaxHeapSizeIsV8sOwn() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try V8Platform.setFlags("--max-old-space-size=16")
                let runtime = try Runtime()
                let limit = try runtime.stats().heapLimitBytes
                try check(limit >= 16 << 20 && limit < 1 << 30, "V8's limit is \(limit) bytes")
                do {
                    try runtime.eval(
                        "let s = 'x'; const all = []; for (;;) { all.push(s); s = s + s.slice(0, 1000) + 'y' }")
                    try check(false, "the script ended")
                } catch let error as RuntimeError {
                    try check(error == .heapLimitExceeded(limit), "the error is \(error), the limit \(limit)")
                    try check(!error.description.contains(" 0 bytes"), "the message is \(error)")
                }
                try check(runtime.isClosed, "the runtime is still open")
            }
        }
    }

    /// A value too deep to copy holds a function: the same conversion error as one without,
    /// where the copy that turns functions into handles used to end in V8's RangeError.
    @Test func aDeepValueHoldingAFunctionIsAConversionError() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        for depth in [1_000, 1_900, 2_500, 20_000] {
            let error = #expect(throws: RuntimeError.self, "depth \(depth)") {
                try runtime.eval(
                    "(() => { let v = { f() {} }; for (let i = 0; i < \(depth); i++) v = { v }; return v })()")
            }
            guard case .conversion(let message) = error else {
                Issue.record("depth \(depth): \(String(describing: error))")
                continue
            }
            #expect(message.contains("nested"), "depth \(depth): \(message)")
            // And without the function, the same kind of error.
            #expect(throws: RuntimeError.self) {
                try runtime.eval("(() => { let w = {}; for (let i = 0; i < \(depth); i++) w = { w }; return w })()")
            }
        }
        #expect(try runtime.eval("'still usable'") == "still usable")
    }
}
