import Convert
import Foundation
import Isolate
import Synchronization
import Testing

@testable import Ops

/// The fast paths of host calls: answers made without V8's deserializer (primitives, small
/// objects and arrays of primitives), and async calls handed to a task that waits for them.
/// Each must give what the general path gives.
@Suite struct HostCallPathTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    /// Answers of every shape, as JavaScript sees them: JSON, own keys, prototype.
    private static let shapes: [JSValue] = [
        [:],
        ["k": 1],
        ["name": "Ada", "age": 36, "admin": true, "none": nil, "missing": .undefined],
        // Integer-like keys come first in JavaScript, ascending.
        ["b": 1, "2": 2, "1": 3],
        ["__proto__": 1, "constructor": "c", "héllo": "wörld ✓", "": "empty key", "emoji 🎉": "🎉"],
        .object(JSObject((0..<16).map { ("k\($0)", .number(Double($0))) })),
        .object(JSObject((0..<17).map { ("k\($0)", .number(Double($0))) })),  // one past the members
        [],
        [1, "two", true, nil, .undefined, -0.0, .number(.infinity)],
        .array((0..<16).map { .number(Double($0)) }),
        .array((0..<17).map { .number(Double($0)) }),
        ["nested": ["k": 1]],  // not primitives: V8's format
        ["big": .bigInt(JSBigInt(12_345_678_901_234_567_890 as UInt64))],
        "a string of ünïcödé",
        .string(String(repeating: "long ", count: 20_000)),
    ]

    /// What JavaScript reads from an answer: its JSON (with undefined and -0 kept apart), its
    /// own keys and whether its prototype is the usual one.
    private static let inspect = """
        (v) => {
          const json = JSON.stringify(v, (k, x) => x === undefined ? '<undefined>' :
            typeof x === 'bigint' ? x + 'n' : Object.is(x, -0) ? '-0' : x);
          if (typeof v !== 'object' || v === null) return json;
          const proto = Array.isArray(v) ? Array.prototype : Object.prototype;
          return [json, Reflect.ownKeys(v).join(','), Object.getPrototypeOf(v) === proto,
                  Object.hasOwn(v, '__proto__')].join(' | ');
        }
        """

    @Test func answersOfEveryShapeArriveAsThemselves() throws {
        try runtime.eval("globalThis.inspect = \(Self.inspect)")
        for (index, shape) in Self.shapes.enumerated() {
            try runtime.bind("answer\(index)") { (_: [JSValue]) in shape }
            // The same value through JavaScript's own literal path (V8's format from Swift).
            try runtime.bindObject("expected\(index)", ["value": shape])
            let fromHost = try runtime.eval("inspect(answer\(index)())")
            let expected = try runtime.eval("inspect(expected\(index).value)")
            #expect(fromHost == expected, "shape \(index): \(shape)")
        }
    }

    @Test func asyncAnswersOfEveryShapeSettleAsThemselves() async throws {
        try runtime.eval("globalThis.inspect = \(Self.inspect)")
        for (index, shape) in Self.shapes.enumerated() {
            try runtime.bind("answer\(index)") { (_: [JSValue]) async in shape }
            try runtime.bindObject("expected\(index)", ["value": shape])
            let fromHost = try await runtime.evalAsync("answer\(index)().then(inspect)")
            let expected = try runtime.eval("inspect(expected\(index).value)")
            #expect(fromHost == expected, "shape \(index): \(shape)")
        }
    }

    @Test func typedDictionaryAnswersAreObjects() throws {
        try runtime.bind("tally") { (key: String, count: Int) in [key: count, "total": count * 2] }
        #expect(try runtime.eval("const t = tally('k', 4); [t.k, t.total, Object.keys(t).length]") == [4, 8, 2])
        try runtime.bind("scores") { (_: Int) in ["x": 0.5] as [String: Double] }
        #expect(try runtime.eval("scores(1).x") == 0.5)
    }

    @Test func longErrorMessagesAndNamesArriveWhole() throws {
        let message = String(repeating: "why ", count: 5_000) + "ünïcödé"
        try runtime.bind("fail") { (_: [JSValue]) throws -> JSValue in
            throw JavaScriptError(name: "Long", message: message)
        }
        #expect(try runtime.eval("try { fail() } catch (e) { e.message }") == .string(message))
        // A short answer after a long one reuses the same storage.
        try runtime.bind("short") { (_: [JSValue]) -> JSValue in "ok" }
        #expect(try runtime.eval("short()") == "ok")
    }

    @Test func aLoopOfAwaitedCallsKeepsEveryValue() async throws {
        let offThread = Mutex(true)
        try runtime.bind("next") { (x: Int) async in
            let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            if thread.hasPrefix("jsrun:") { offThread.withLock { $0 = false } }
            return x + 1
        }
        let total = try await runtime.evalAsync(
            "(async () => { let s = 0; for (let i = 0; i < 2000; i++) s = await next(s); return s })()", as: Int.self)
        #expect(total == 2000)
        #expect(offThread.withLock { $0 })
        #expect(try runtime.stats().activeAsyncOps == 0)
    }

    /// A call that waits for a later one must not hold up the later one, whichever of them the
    /// waiting task takes.
    @Test(.timeLimit(.minutes(1))) func callsThatWaitOnEachOtherStillRunConcurrently() async throws {
        let gate = Gate()
        try runtime.bind("tick") { (x: Int) async in x }
        try runtime.bind("waitForGate") { (_: [JSValue]) async -> JSValue in
            await gate.wait()
            return "passed"
        }
        try runtime.bind("openGate") { (_: [JSValue]) async -> JSValue in
            gate.open()
            return .undefined
        }
        // The waiting call comes first, then a quick one, then the one it waits for.
        let first = try await runtime.evalAsync(
            "(async () => { const w = waitForGate(); await tick(1); await openGate(); return await w })()")
        #expect(first == "passed")
        gate.close()
        // A quick call first, so that the waiting call is likely handed to the task that ran it.
        let second = try await runtime.evalAsync(
            "(async () => { await tick(1); const w = waitForGate(); await openGate(); return await w })()")
        #expect(second == "passed")
    }

    @Test func closingCancelsACallHandedToAWaitingTask() async throws {
        let cancelled = Mutex(false)
        let runtime = try Runtime()
        try runtime.bind("tick") { (x: Int) async in x }
        try runtime.bind("forever") { (_: [JSValue]) async throws -> JSValue in
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            return .null
        }
        // Right after a quick call, so that `forever` most likely goes to the task that ran it.
        try await runtime.evalAsync("(async () => { for (let i = 0; i < 20; i++) await tick(i); forever() })()")
        #expect(try runtime.stats().activeAsyncOps == 1)
        runtime.close()
        for _ in 0..<200 where !cancelled.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cancelled.withLock { $0 })
    }
}

/// A gate that async code waits at until it is opened; `close` makes it wait again.
private final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func close() { state.withLock { $0.isOpen = false } }
}
