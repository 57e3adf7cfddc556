import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

/// A termination is never swallowed (issue "Hostile code", part 1): whatever getters and
/// callbacks a script set up, a timeout ends the call with `timedOut`, the next call runs, and
/// `close()` and `terminate()` end the runtime's thread. Each runs in a child process of its
/// own (an exit test) that fails when it hangs, so one hang fails one test.
@Suite struct TerminationTests {
    @Test func anErrorWhoseNameGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try timesOutThenWorks(
                    "const e = new Error('x'); Object.defineProperty(e, 'name', { get() { for (;;) {} } }); throw e")
            }
        }
    }

    @Test func anErrorWhoseMessageGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try timesOutThenWorks(
                    "const e = new Error('x'); Object.defineProperty(e, 'message', { get() { for (;;) {} } }); throw e")
            }
        }
    }

    @Test func aThrownObjectWhoseToStringLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try timesOutThenWorks("throw { toString() { for (;;) {} } }")
            }
        }
    }

    @Test func aResultWhoseGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try timesOutThenWorks("({ get x() { for (;;) {} } })")
            }
        }
    }

    @Test func consoleLogOfAnObjectWhoseGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try timesOutThenWorks("console.log({ get x() { for (;;) {} } })", console: .handler { _ in })
            }
        }
    }

    /// No timeout at all: close() from another thread stops the getter and ends the thread.
    @Test func closeEndsALoopingGetter() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                let script =
                    "const e = new Error('x'); Object.defineProperty(e, 'name', { get() { for (;;) {} } }); throw e"
                let eval = onNewThread { try runtime.eval(script) }
                try await Task.sleep(for: .milliseconds(200))
                runtime.close()
                let outcome = await eval.result
                try check(
                    (outcome.failureError as? RuntimeError) == .closed, "the eval ended with \(outcome), not closed")
                try check(runtime.isClosed, "the runtime is not closed")
            }
        }
    }

    @Test func terminateEndsALoopingGetter() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                let eval = onNewThread { try runtime.eval("({ get x() { for (;;) {} } })") }
                try await Task.sleep(for: .milliseconds(200))
                runtime.terminate()
                let outcome = await eval.result
                try check(
                    (outcome.failureError as? RuntimeError) == .terminated,
                    "the eval ended with \(outcome), not terminated")
                runtime.close()
            }
        }
    }
}

/// Runs `code` under a 100 ms timeout: it must time out, and the runtime must then answer.
func timesOutThenWorks(_ code: String, console: ConsoleOutput = .disabled) throws {
    let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(100), console: console))
    defer { runtime.close() }
    do {
        let value = try runtime.eval(code)
        try check(false, "the script returned \(value)")
    } catch let error as RuntimeError {
        try check(error == .timedOut(.milliseconds(100)), "the script failed with \(error), not a timeout")
    }
    let next = try runtime.eval("'still usable'")
    try check(next == "still usable", "the next call returned \(next)")
}

extension Result {
    var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
