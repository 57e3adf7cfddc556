import JSRunConvert
import Synchronization
import Testing

@testable import JSRunIsolate

@Suite struct EventLoopTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func microtasksRunBeforeTimersAndTimersInDueOrder() async throws {
        let order = try await runtime.evalAsync(
            """
            new Promise(resolve => {
                const seen = [];
                setTimeout(() => seen.push('t100'), 100);
                setTimeout(() => seen.push('t0'), 0);
                setTimeout(() => seen.push('t0b'), 0);
                queueMicrotask(() => seen.push('micro'));
                Promise.resolve().then(() => seen.push('then'));
                setTimeout(() => {
                    seen.push('t5');
                    setTimeout(() => { seen.push('nested'); }, 0);
                    Promise.resolve().then(() => seen.push('t5-micro'));
                }, 5);
                setTimeout(() => resolve(seen), 150);
                seen.push('sync');
            })
            """)
        #expect(order == ["sync", "micro", "then", "t0", "t0b", "t5", "t5-micro", "nested", "t100"])
    }

    @Test func intervalsRepeatUntilCleared() async throws {
        let ticks = try await runtime.evalAsync(
            """
            new Promise(resolve => {
                let n = 0;
                const id = setInterval(() => { if (++n === 3) { clearInterval(id); resolve(n) } }, 1);
            })
            """)
        #expect(ticks == 3)
        #expect(try runtime.stats().activeIntervals == 0)
    }

    @Test func clearedTimersNeverRun() async throws {
        try runtime.eval("globalThis.ran = false; const t = setTimeout(() => { ran = true }, 5); clearTimeout(t)")
        try await Task.sleep(for: .milliseconds(30))
        #expect(try runtime.eval("ran") == false)
        #expect(try runtime.stats().activeTimers == 0)
    }

    @Test func evalAsyncWaitsForItsPromiseNotForOtherTimers() async throws {
        try runtime.eval("globalThis.later = 'no'; globalThis.long = setTimeout(() => { later = 'yes' }, 60000)")
        #expect(try await runtime.evalAsync("Promise.resolve(1)") == 1)
        #expect(try runtime.eval("later") == "no")
        #expect(try runtime.stats().activeTimers == 1)
        // Timers keep running while the runtime lives, after the call that made them.
        try runtime.eval("clearTimeout(long); setTimeout(() => { later = 'yes' }, 10)")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("later") == "yes")
    }

    @Test func closeCancelsPendingTimers() async throws {
        try runtime.eval("setTimeout(() => {}, 60000); setInterval(() => {}, 1)")
        #expect(try runtime.stats().activeTimers == 1)
        #expect(try runtime.stats().activeIntervals == 1)
        runtime.close()
        #expect(runtime.isClosed)
        try await runtime.waitUntilIdle()  // returns at once on a closed runtime
    }

    @Test func timerCallbacksGetTheirArguments() async throws {
        #expect(try await runtime.evalAsync("new Promise(r => setTimeout((a, b) => r(a + b), 1, 2, 3))") == 5)
    }

    @Test func badTimerArgumentsAreTypeErrors() throws {
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("setTimeout('code', 1)") }
        #expect(error?.name == "TypeError")
        #expect(throws: JavaScriptError.self) { try runtime.eval("queueMicrotask(1)") }
        #expect(try runtime.eval("clearTimeout('nonsense'); clearInterval(12345); 'ok'") == "ok")
    }

    @Test func aTimerStormOf100000TimersCompletes() async throws {
        let count = try await runtime.evalAsync(
            """
            new Promise(resolve => {
                let fired = 0;
                for (let i = 0; i < 100000; i++) setTimeout(() => { if (++fired === 100000) resolve(fired) }, 0);
            })
            """, timeout: .seconds(30))
        #expect(count == 100_000)
        #expect(try runtime.stats().activeTimers == 0)
    }

    @Test func aTimerThatThrowsIsReportedAndOthersRun() async throws {
        let messages = MessageLog()
        let runtime = try Runtime(RuntimeConfig(console: .handler { messages.append($0) }))
        defer { runtime.close() }
        let value = try await runtime.evalAsync(
            "new Promise(r => { setTimeout(() => { throw new Error('timer boom') }, 1); setTimeout(() => r('next'), 5) })"
        )
        #expect(value == "next")
        #expect(messages.all.contains { $0.level == .error && $0.text.contains("timer boom") })
    }

    @Test func aBusyTimerIsStoppedByTheConfiguredTimeout() async throws {
        let messages = MessageLog()
        let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(50), console: .handler { messages.append($0) }))
        defer { runtime.close() }
        try runtime.eval("setTimeout(() => { for (;;) {} }, 1)")
        try await runtime.waitUntilIdle()
        #expect(messages.all.contains { $0.text.contains("timed out") })
        #expect(try runtime.eval("'alive'") == "alive")
    }
}

/// Console messages collected from the runtime thread.
final class MessageLog: Sendable {
    private let messages = Mutex<[ConsoleMessage]>([])
    func append(_ message: ConsoleMessage) { messages.withLock { $0.append(message) } }
    var all: [ConsoleMessage] { messages.withLock { $0 } }
}
