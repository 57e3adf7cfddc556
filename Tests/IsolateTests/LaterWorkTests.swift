import Foundation
import JSRunConvert
import JSRunTestSupport
import Synchronization
import Testing

@testable import JSRunIsolate

/// Timeouts and cancellation cover what runs later on a call's behalf (issue "Hostile code",
/// part 2): continuations, timers and intervals it set, the settling of its promise. The
/// runtimes here have no timeout of their own; each case runs in a child process that fails
/// when it hangs.
@Suite struct LaterWorkTests {
    @Test func aContinuationThatLoopsAfterTheDeadline() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try await timesOutThenWorks(async: "new Promise(r => setTimeout(r, 10)).then(() => { for (;;) {} })")
            }
        }
    }

    @Test func anIntervalThatLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try await timesOutThenWorks(
                    async: "new Promise(() => setInterval(() => { for (;;) {} }, 10))")
                try check(try runtime.stats().activeIntervals == 0, "the stopped call's interval is still there")
            }
        }
    }

    @Test func aSettledValueWhoseGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try await timesOutThenWorks(
                    async: "new Promise(r => setTimeout(() => r({ get x() { for (;;) {} } }), 10))")
            }
        }
    }

    @Test func aRejectionWhoseToStringLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try await timesOutThenWorks(
                    async: "new Promise((_, reject) => setTimeout(() => reject({ toString() { for (;;) {} } }), 10))")
            }
        }
    }

    @Test func aFunctionCalledWithATimeout() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                let function = try runtime.eval("() => new Promise(r => setTimeout(r, 10)).then(() => { for (;;) {} })")
                do {
                    let value = try await function.function!.callAsync(timeout: .milliseconds(200))
                    try check(false, "the call returned \(value)")
                } catch let error as RuntimeError {
                    try check(error == .timedOut(.milliseconds(200)), "the call failed with \(error)")
                }
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
            }
        }
    }

    /// Cancelled while its continuation loops: the loop stops.
    @Test func aTaskCancelledWhileItsContinuationLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                let task = Task {
                    try await runtime.evalAsync("new Promise(r => setTimeout(r, 20)).then(() => { for (;;) {} })")
                }
                try await Task.sleep(for: .milliseconds(200))
                task.cancel()
                let outcome = await task.result
                try check(outcome.failureError is CancellationError, "the task ended with \(outcome)")
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
            }
        }
    }

    /// Cancelled before its timer fires: the timer goes with it, and its loop never runs.
    @Test func aTaskCancelledBeforeItsTimerFires() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                let task = Task {
                    try await runtime.evalAsync("new Promise(r => setTimeout(() => { for (;;) {} }, 100))")
                }
                try await Task.sleep(for: .milliseconds(20))
                task.cancel()
                _ = await task.result
                try await Task.sleep(for: .milliseconds(200))
                try check(try runtime.stats().activeTimers == 0, "the cancelled call's timer is still there")
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
            }
        }
    }

    /// A timer that a synchronous call left behind runs under that call's timeout, and is then
    /// reported on the console.
    @Test func aTimerLeftBehindRunsUnderItsCallsTimeout() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let errors = Mutex<[String]>([])
                let runtime = try Runtime(
                    RuntimeConfig(console: .handler { message in errors.withLock { $0.append(message.text) } }))
                defer { runtime.close() }
                let value = try runtime.eval("setTimeout(() => { for (;;) {} }, 10); 1", timeout: .milliseconds(200))
                try check(value == 1, "the call returned \(value)")
                // The report comes once the callback was stopped (the child fails if never).
                while !errors.withLock({ $0.contains { $0.contains("a timer callback was stopped") } }) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
                let printed = errors.withLock { $0 }
                try check(printed.contains { $0.contains("200 ms") }, "the console got \(printed)")
            }
        }
    }

    @Test func aWaitUntilIdleEndsWhenItsTaskIsCancelled() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                _ = try runtime.eval("setInterval(() => {}, 1000)")
                let wait = Task { try await runtime.waitUntilIdle() }
                try await Task.sleep(for: .milliseconds(50))
                wait.cancel()
                let outcome = await wait.result
                try check(outcome.failureError is CancellationError, "the wait ended with \(outcome)")
            }
        }
    }

    /// A timeout of zero or less has passed already: the call times out, every time.
    @Test func timeoutsOfZeroOrLessTimeOutAtOnce() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        for _ in 0..<200 {
            await #expect(throws: RuntimeError.timedOut(.zero)) { try await runtime.evalAsync("1", timeout: .zero) }
        }
        #expect(throws: RuntimeError.timedOut(.seconds(-1))) { try runtime.eval("1", timeout: .seconds(-1)) }
        let function = try runtime.eval("() => 1").function!
        #expect(throws: RuntimeError.timedOut(.zero)) { try function.call(timeout: .zero) }
        await #expect(throws: RuntimeError.timedOut(.zero)) { try await function.callAsync(timeout: .zero) }
        #expect(try runtime.eval("'still usable'") == "still usable")
    }
}

/// Runs `code` with `evalAsync` under a 200 ms timeout: it must time out, and the runtime must
/// then answer. Returns the runtime, still open.
@discardableResult
func timesOutThenWorks(async code: String) async throws -> Runtime {
    let runtime = try Runtime()
    do {
        let value = try await runtime.evalAsync(code, timeout: .milliseconds(200))
        try check(false, "the script returned \(value)")
    } catch let error as RuntimeError {
        try check(error == .timedOut(.milliseconds(200)), "the script failed with \(error), not a timeout")
    }
    let next = try runtime.eval("'still usable'")
    try check(next == "still usable", "the next call returned \(next)")
    return runtime
}
