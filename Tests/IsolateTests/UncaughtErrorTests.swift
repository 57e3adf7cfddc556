import Foundation
import JSRunConvert
import JSRunTestSupport
import Logging
import Synchronization
import Testing

@testable import JSRunIsolate

/// Errors that no caller gets (issue "Hostile code", part 6): an unhandled rejection and an
/// exception thrown by a timer were silent. They reach `onUncaughtError`, or by default the
/// console or a logger. `waitUntilIdle()` returns after the turn that reported them.
@Suite struct UncaughtErrorTests {
    /// What the hook heard, in order.
    final class Heard: Sendable {
        private let errors = Mutex<[UncaughtError]>([])
        func append(_ error: UncaughtError) { errors.withLock { $0.append(error) } }
        var all: [UncaughtError] { errors.withLock { $0 } }
    }

    func runtime(_ heard: Heard) throws -> Runtime {
        try Runtime(RuntimeConfig(onUncaughtError: { heard.append($0) }))
    }

    @Test func anUnhandledRejectionReachesTheHook() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        #expect(try await runtime.evalAsync("Promise.reject(new Error('lost')); 5") == 5)
        try await runtime.waitUntilIdle()
        let errors = heard.all
        #expect(errors.count == 1)
        #expect(errors.first?.origin == .unhandledRejection)
        #expect(errors.first?.error.name == "Error")
        #expect(errors.first?.error.message == "lost")
        #expect(errors.first?.error.frames.first?.file == "<eval_async>")
        #expect(
            errors.first?.description.hasPrefix("Uncaught (in promise) Error: lost\n    at <eval_async>:1:16") == true)
        // From a synchronous eval and from a rejection in a later microtask, too; a value that
        // is not an Error says what it was.
        try runtime.eval("(async () => { await null; throw new TypeError('async boom') })(); Promise.reject(7); 0")
        try await runtime.waitUntilIdle()
        let later = heard.all.dropFirst()
        #expect(later.map(\.error.name) == [nil, "TypeError"])
        #expect(later.first?.description == "Uncaught (in promise) 7")
        #expect(later.last?.error.message == "async boom")
    }

    @Test func aRejectionHandledLaterInTheSameTurnIsNotReported() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        try runtime.eval(
            """
            const p = Promise.reject(new Error('caught later')); p.catch(() => {});
            (async () => { try { await Promise.reject(new Error('awaited')) } catch {} })();
            (async () => { throw new Error('thrown') })().catch(() => {});
            const q = Promise.reject(new Error('in a microtask')); queueMicrotask(() => q.catch(() => {}));
            for (let i = 0; i < 5000; i++) Promise.reject(i).catch(() => {});
            0
            """)
        // The caller's own promise is the caller's: its rejection is the call's error.
        await #expect(throws: JavaScriptError.self) { try await runtime.evalAsync("Promise.reject(new Error('mine'))") }
        await #expect(throws: JavaScriptError.self) {
            try await runtime.evalAsync("new Promise((_, reject) => setTimeout(() => reject(new Error('later')), 1))")
        }
        let rejecting = try #require(try runtime.eval("async () => { throw new Error('from a call') }").function)
        await #expect(throws: JavaScriptError.self) { try await rejecting.callAsync() }
        try await runtime.waitUntilIdle()
        #expect(heard.all.isEmpty, "\(heard.all)")
    }

    /// Once its turn has ended, an unhandled rejection is reported, as Node reports it, even if
    /// a handler comes in a later turn.
    @Test func aRejectionHandledInALaterTurnWasReported() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        try runtime.eval("globalThis.p = Promise.reject(new Error('late')); 0")
        try await runtime.waitUntilIdle()
        try runtime.eval("p.catch(() => {}); 0")
        try await runtime.waitUntilIdle()
        #expect(heard.all.map(\.error.message) == ["late"])
    }

    @Test func aTimerExceptionReachesTheHookAndTheOtherTimersRun() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        let value = try await runtime.evalAsync(
            """
            new Promise(resolve => {
                setTimeout(() => { throw new TypeError('tick failed') }, 1);
                setTimeout(() => { throw 'a string' }, 2);
                setTimeout(() => resolve('next'), 5);
            })
            """)
        #expect(value == "next")
        let errors = heard.all
        #expect(errors.map(\.origin) == [.timer, .timer])
        #expect(errors.first?.error.name == "TypeError")
        #expect(errors.first?.description.hasPrefix("Uncaught TypeError: tick failed\n    at ") == true)
        #expect(errors.last?.description == "Uncaught a string")
    }

    /// A queueMicrotask callback that throws: V8 printed it on standard output itself, and
    /// the call went on.
    @Test func aMicrotaskExceptionReachesTheHook() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        let value = try runtime.eval(
            "globalThis.ran = []; queueMicrotask(() => { throw new RangeError('micro') }); queueMicrotask(() => ran.push(2)); 1"
        )
        #expect(value == 1)
        #expect(try runtime.eval("ran") == [2])
        let errors = heard.all
        #expect(errors.map(\.origin) == [.microtask])
        #expect(errors.first?.description.hasPrefix("Uncaught RangeError: micro\n    at <eval>:1:") == true)
    }

    /// The hook may call its runtime, which runs in place, for each origin.
    @Test func theHookMayCallItsRuntime() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let box = Mutex<Runtime?>(nil)
                let runtime = try Runtime(
                    RuntimeConfig(onUncaughtError: { uncaught in
                        let runtime = box.withLock { $0 }
                        _ = try? runtime?.eval("reported.push('\(uncaught.origin)')")
                    }))
                box.withLock { $0 = runtime }
                defer { runtime.close() }
                try runtime.eval(
                    """
                    globalThis.reported = [];
                    Promise.reject(new Error('r'));
                    setTimeout(() => { throw new Error('t') });
                    queueMicrotask(() => { throw new Error('m') });
                    0
                    """)
                try await runtime.waitUntilIdle()
                let reported = try runtime.eval("reported")
                try check(reported == ["microtask", "unhandledRejection", "timer"], "reported \(reported)")
            }
        }
    }

    /// Past a thousand in one turn, the rest are counted and reported as one error.
    @Test func aFloodOfRejectionsIsBounded() async throws {
        let heard = Heard()
        let runtime = try runtime(heard)
        defer { runtime.close() }
        try runtime.eval("for (let i = 0; i < 1500; i++) Promise.reject(new Error('r' + i)); 0")
        try await runtime.waitUntilIdle()
        let errors = heard.all
        #expect(errors.count == 1001)
        #expect(errors.first?.error.message == "r0")
        #expect(errors[999].error.message == "r999")
        #expect(errors.last?.error.message.hasPrefix("500 more promises were rejected without a handler") == true)
    }

    @Test func byDefaultTheConsoleGetsThem() async throws {
        let messages = Mutex<[ConsoleMessage]>([])
        let runtime = try Runtime(
            RuntimeConfig(console: .handler { message in messages.withLock { $0.append(message) } }))
        defer { runtime.close() }
        try runtime.eval(
            "Promise.reject(new RangeError('to the console')); setTimeout(() => { throw new Error('tick') })")
        try await runtime.waitUntilIdle()
        let printed = messages.withLock { $0 }
        #expect(printed.map(\.level) == [.error, .error])
        #expect(
            printed.first?.text.hasPrefix("Uncaught (in promise) RangeError: to the console\n    at <eval>:1:16")
                == true)
        #expect(printed.last?.text.hasPrefix("Uncaught Error: tick\n    at ") == true)
    }

    /// Without a console, a logger labelled JSRun logs them (the process's logging system is
    /// set up for it in a child process of its own).
    @Test func byDefaultWithoutAConsoleALoggerGetsThem() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let logged = CollectedLogs()
                LoggingSystem.bootstrap { label in CollectingHandler(label: label, logs: logged) }
                let runtime = try Runtime(RuntimeConfig(name: "quiet"))
                defer { runtime.close() }
                try runtime.eval("Promise.reject(new Error('to the log')); 0")
                try await runtime.waitUntilIdle()
                let entries = logged.all
                try check(entries.count == 1, "logged \(entries)")
                try check(entries.first?.label == "JSRun" && entries.first?.level == .error, "logged \(entries)")
                try check(
                    entries.first?.message.hasPrefix("Uncaught (in promise) Error: to the log") == true,
                    "logged \(entries)")
                try check(
                    entries.first?.metadata["runtime"] == "quiet"
                        && entries.first?.metadata["uncaught"] == "unhandledRejection", "logged \(entries)")
            }
        }
    }
}

/// Log entries a CollectingHandler received.
final class CollectedLogs: Sendable {
    struct Entry: Sendable {
        var label: String
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }
    private let entries = Mutex<[Entry]>([])
    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
}

struct CollectingHandler: LogHandler {
    let label: String
    let logs: CollectedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        logs.append(
            CollectedLogs.Entry(
                label: label, level: event.level, message: "\(event.message)",
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
