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
}
