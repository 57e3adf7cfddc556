import Foundation
import JSRunConvert
import JSRunIsolate
import Synchronization
import Testing

@testable import JSRunOps

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
            // Twice: the second answer of a shape is made from the first's (see replies.cc).
            let fromHost = try runtime.eval("[inspect(answer\(index)()), inspect(answer\(index)())]")
            let expected = try runtime.eval("inspect(expected\(index).value)")
            #expect(fromHost == [expected, expected], "shape \(index): \(shape)")
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

    @Test func stringArgumentsOfEveryKindArriveAsTheirUTF8() throws {
        try runtime.bind("echo") { (text: String) in text }
        let sent: [JSValue] = [
            "plain", "", "héllo (Latin-1)", "x ✓ 🎉 (two-byte)", .string(String(repeating: "long ", count: 30)),
        ]
        try runtime.bindObject("sent", .array(sent))
        #expect(try runtime.eval("sent.map(text => echo(text))") == .array(sent))
        // A lone surrogate cannot be UTF-8: it arrives as U+FFFD, as documented.
        #expect(try runtime.eval("echo('a\\ud800b')") == "a\u{FFFD}b")
    }

    @Test func typedDictionaryAnswersAreObjects() throws {
        try runtime.bind("tally") { (key: String, count: Int) in [key: count, "total": count * 2] }
        #expect(try runtime.eval("const t = tally('k', 4); [t.k, t.total, Object.keys(t).length]") == [4, 8, 2])
        try runtime.bind("scores") { (_: Int) in ["x": 0.5] as [String: Double] }
        #expect(try runtime.eval("scores(1).x") == 0.5)
    }

    @Test func theByteLimitBoundsAnswersOfEveryForm() throws {
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: 1_000)))
        defer { runtime.close() }
        let big = JSValue.string(String(repeating: "x", count: 5_000))
        try runtime.bind("scalar") { (_: [JSValue]) in big }
        try runtime.bind("members") { (_: [JSValue]) -> JSValue in ["s": big] }
        try runtime.bind("elements") { (_: [JSValue]) -> JSValue in [big] }
        try runtime.bind("nested") { (_: [JSValue]) -> JSValue in ["o": ["s": big]] }
        for call in ["scalar()", "members().s", "elements()[0]", "nested().o.s"] {
            let outcome = try runtime.eval("try { \(call).length } catch (e) { e.name + ': ' + e.message }")
            #expect(outcome.stringValue?.hasPrefix("TypeError: ") == true, "\(call): \(outcome)")
            #expect(outcome.stringValue?.contains("limit of 1000 bytes") == true, "\(call): \(outcome)")
        }
        // Within the limit, all arrive.
        try runtime.bind("small") { (_: [JSValue]) -> JSValue in ["s": "fits"] }
        #expect(try runtime.eval("small().s") == "fits")
    }

    @Test func objectsOfOneShapeAreIndependentWhateverTheirValues() throws {
        try runtime.bind("point") { (arguments: [JSValue]) -> JSValue in ["x": arguments[0], "y": 2] }
        let seen = try runtime.eval(
            """
            const a = point(1); a.x = 'changed'; a.extra = true;
            const b = point(1.5), c = point('text'), d = point(-0), e = point(2 ** 40), f = point(null);
            [a.x, b.x, c.x, Object.is(d.x, -0), e.x, f.x, Object.keys(b).join(), 'extra' in b]
            """)
        #expect(seen == ["changed", 1.5, "text", true, .number(0x100_0000_0000), nil, "x,y", false])
        // More shapes than the shim keeps: each still has its own keys.
        try runtime.bind("keyed") { (arguments: [JSValue]) -> JSValue in
            .object(JSObject([(arguments[0].stringValue ?? "", .number(1)), ("n", arguments[1])]))
        }
        let total = try runtime.eval(
            "let t = 0; for (let i = 0; i < 600; i++) { const o = keyed('k' + i, i); t += o['k' + i] + o.n } t")
        #expect(total == .number(Double(600 + 600 * 599 / 2)))
    }

    @Test func theByteLimitCountsWhatAStringTakesSerialized() throws {
        // 601 characters: 603 bytes of UTF-8, but about 1,200 in V8's format (two bytes a unit).
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: 1_000)))
        defer { runtime.close() }
        let text = JSValue.string(String(repeating: "x", count: 600) + "✓")
        try runtime.bind("top") { (_: [JSValue]) in text }
        try runtime.bind("member") { (_: [JSValue]) -> JSValue in ["s": text] }
        try runtime.bind("nested") { (_: [JSValue]) -> JSValue in ["o": ["s": text]] }
        let outcomes = try runtime.eval(
            "[top, member, nested].map(f => { try { f(); return 'ok' } catch (e) { return e.name } })")
        #expect(outcomes == ["TypeError", "TypeError", "TypeError"])
    }

    /// Arguments past the byte limit are refused by the shim before they are serialized whole,
    /// with the error the limit gives in Swift: a `TypeError` that JavaScript can catch, thrown
    /// before the function runs, sync or async.
    @Test func argumentsPastTheByteLimitAreRefusedBeforeTheyAreSerialized() async throws {
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: 1 << 20)))
        defer { runtime.close() }
        let calls = Mutex(0)
        try runtime.bind("sink") { (arguments: [JSValue]) -> JSValue in
            calls.withLock { $0 += 1 }
            return .number(Double(arguments[0].bytesValue?.count ?? -1))
        }
        try runtime.bind("later") { (arguments: [JSValue]) async -> JSValue in .number(Double(arguments.count)) }
        let refused = try runtime.eval(
            """
            const big = new Uint8Array(64 << 20)
            const name = (f) => { try { f(); return 'ok' } catch (e) { return e.name + ': ' + e.message } }
            [name(() => sink(big)), name(() => later(big)), name(() => sink({ big }))]
            """)
        for outcome in refused.arrayValue ?? [] {
            #expect(outcome.stringValue?.hasPrefix("TypeError: ") == true, "\(outcome)")
            #expect(outcome.stringValue?.contains("more than the limit of 1048576 bytes") == true, "\(outcome)")
        }
        #expect(calls.withLock { $0 } == 0)
        #expect(try runtime.eval("sink(new Uint8Array(1000))") == 1000)
        #expect(try await runtime.evalAsync("later(1, 2)") == 2)
    }

    /// Objects of one shape keep fields of their own, doubles included (V8 boxes a double field:
    /// a copy of an object made with `Object::Clone` would share the box).
    @Test func objectsOfOneShapeShareNoField() throws {
        try runtime.bind("point") { (arguments: [JSValue]) -> JSValue in ["x": arguments[0], "y": 0.5] }
        #expect(
            try runtime.eval("const a = point(1.5), b = point(2.5), c = point(3.5); [a.x, b.x, c.x]") == [
                1.5, 2.5, 3.5,
            ])
        #expect(try runtime.eval("a.y = 9.25; b.y += 1; [a.y, b.y, c.y]") == [9.25, 1.5, 0.5])
        let wrong = try runtime.eval(
            """
            const kept = []; for (let i = 0; i < 20000; i++) kept.push(point(i + 0.25));
            let wrong = 0; for (let i = 0; i < kept.length; i++) if (kept[i].x !== i + 0.25) wrong++; wrong
            """)
        #expect(wrong == 0)
        // JavaScript made a field of the same keys a double first: integers after still differ.
        try runtime.bind("q") { (arguments: [JSValue]) -> JSValue in ["qx": arguments[0]] }
        #expect(
            try runtime.eval("const o = {}; o.qx = 0.5; const d = q(1), e = q(2), f = q(3); [d.qx, e.qx, f.qx]") == [
                1, 2, 3,
            ])
    }

    @Test func setterOnObjectPrototypeIsNeverCalledForAnAnswer() throws {
        try runtime.bind("answer") { (_: [JSValue]) -> JSValue in ["x": 1, "0": 2, "__proto__": 3] }
        let outcome = try runtime.eval(
            """
            for (const key of ['x', '0']) Object.defineProperty(Object.prototype, key, {
              set() { throw new Error('setter called') }, configurable: true });
            const first = answer(), second = answer();
            [first.x, second.x, second[0], Object.getPrototypeOf(second) === Object.prototype, second.__proto__]
            """)
        #expect(outcome == [1, 1, 2, true, 3])
    }

    @Test func aSetterOnErrorPrototypeCannotBreakHostErrors() throws {
        try runtime.bind("fail") { (_: [JSValue]) throws -> JSValue in throw JavaScriptError(name: "X", message: "m") }
        let outcome = try runtime.eval(
            """
            Object.defineProperty(Error.prototype, 'name', {
              set() { throw new Error('setter') }, get() { return 'E' }, configurable: true });
            try { fail() } catch (e) { e.name + ': ' + e.message }
            """)
        #expect(outcome == "X: m")
        #expect(try runtime.eval("1 + 1") == 2)
    }

    @Test func aReleasedFunctionInAnAnswerIsAClearError() throws {
        let function = try #require(try runtime.eval("() => 1").function)
        function.release()
        try runtime.bind("stale") { (_: [JSValue]) -> JSValue in ["f": .function(function)] }
        let outcome = try runtime.eval("try { stale(); 'no error' } catch (e) { e.message }")
        #expect(outcome.stringValue?.contains("released") == true, "\(outcome)")
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
