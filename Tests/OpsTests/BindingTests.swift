import Foundation
import JSRunConvert
import JSRunIsolate
import Synchronization
import Testing

@testable import JSRunOps

private struct Overdrawn: Error, CustomStringConvertible {
    var amount: Int
    var description: String { "overdrawn by \(amount)" }
}

@Suite struct BindingTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func untypedFunctionsGetTheirArgumentsIntact() throws {
        try runtime.bind("echo") { (arguments: [JSValue]) in .array(arguments) }
        #expect(
            try runtime.eval("echo(null, undefined, 1, 'two', [3], {a: undefined})")
                == [nil, .undefined, 1, "two", [3], ["a": .undefined]])
        #expect(try runtime.eval("echo().length") == 0)
    }

    @Test func everyKindOfValueArrivesAsItselfAndGoesBack() throws {
        let received = Mutex<[JSValue]>([])
        try runtime.bind("keep") { (arguments: [JSValue]) in
            received.withLock { $0 = arguments }
            return .array(arguments)
        }
        let roundTrip = try runtime.eval(
            """
            const sent = [new Map([[1, 'one'], [{ k: 1 }, 2]]), new Set(['s']), 10n ** 20n, new Date(0),
                          new Int16Array([-2]), /x/g, new TypeError('t'), { nested: { fn: () => 5 } }];
            const back = keep(...sent);
            [back[0] instanceof Map && back[0].get(1), back[1].has('s'), back[2] === 10n ** 20n,
             back[3].getTime(), back[4] instanceof Int16Array && back[4][0], back[5].source,
             back[6] instanceof TypeError, back[7].nested.fn === sent[7].nested.fn]
            """)
        #expect(roundTrip == ["one", true, true, 0, -2, "x", true, true])
        let arguments = received.withLock { $0 }
        #expect(arguments[0] == .map([1: "one", ["k": 1]: 2]))
        #expect(arguments[1] == .set(["s"]))
        #expect(arguments[2] == .bigInt(JSBigInt("100000000000000000000")!))
        #expect(arguments[3] == .date(JSDate(millisecondsSince1970: 0)))
        #expect(arguments[4] == .bytes(JSBytes([-2] as [Int16])))
        #expect(arguments[5] == .regExp(JSRegExp("x", flags: "g")))
        #expect(arguments[6].errorValue?.name == "TypeError")
        #expect(try arguments[7]["nested"]?["fn"]?.function?.call() == 5)
    }

    @Test func dictionaryResultsBecomeObjects() throws {
        try runtime.bind("ints") { (n: Int) in ["n": n, "twice": 2 * n] }
        try runtime.bind("doubles") { (x: Double) in ["half": x / 2] }
        try runtime.bind("strings") { (s: String) in ["upper": s.uppercased()] }
        try runtime.bind("huge") { () in ["big": Int.max] }
        // A dictionary has no order: compare as one.
        #expect(try runtime.eval("ints(21)", as: [String: Int].self) == ["n": 21, "twice": 42])
        #expect(try runtime.eval("doubles(3)") == ["half": 1.5])
        #expect(try runtime.eval("strings('ada')") == ["upper": "ADA"])
        // An Int a JavaScript number cannot hold is an error, not a rounded number.
        let error = #expect(throws: (any Error).self) { try runtime.eval("huge()") }
        #expect("\(String(describing: error))".contains("would be rounded"))
    }

    @Test func typedFunctionsTakeMapsSetsDatesAndBytes() throws {
        try runtime.bind("describe") { (names: [Int: String], tags: Set<String>, when: Date, bytes: [UInt8]) in
            "\(names[2] ?? "-") \(tags.sorted()) \(Int(when.timeIntervalSince1970)) \(bytes)"
        }
        #expect(
            try runtime.eval(
                "describe(new Map([[1, 'one'], [2, 'two']]), new Set(['b', 'a']), new Date(5000), new Uint8Array([1, 2]))"
            )
                == "two [\"a\", \"b\"] 5 [1, 2]")
        let error = #expect(throws: JSRunOps.TypeError.self) {
            try runtime.eval("describe(new Map([['x', 'one']]), new Set(), new Date(0), new Uint8Array())")
        }
        #expect(
            error?.description
                == "argument 1 cannot be Dictionary<Int, String>: $.keys()[0]: expected a number for Int, found string")
    }

    @Test func aNestedSymbolArgumentIsATypeErrorThatSaysWhere() throws {
        try runtime.bind("take") { (arguments: [JSValue]) in .number(Double(arguments.count)) }
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("take(1, { tag: Symbol('s') })") }
        #expect(error?.name == "TypeError")
        #expect(error?.message.contains("a Symbol at $[1].tag cannot leave its runtime") == true)
        #expect(try runtime.eval("take(1, 2)") == 2)
    }

    @Test func typedFunctionsDecodeTheirArgumentsAndEncodeTheirResult() throws {
        try runtime.bind("add") { (a: Int, b: Int) in a + b }
        try runtime.bind("greet") { (name: String, times: Int?) in String(repeating: "hi \(name) ", count: times ?? 1) }
        try runtime.bind("six") { (a: Int, b: Int, c: Int, d: Int, e: Int, f: Int) in [a, b, c, d, e, f].reduce(0, +) }
        try runtime.bind("count") { (text: String, n: Int) in [text: n] }
        #expect(try runtime.eval("add(2, 3)") == 5)
        #expect(try runtime.eval("greet('ada')") == "hi ada ")
        #expect(try runtime.eval("greet('ada', 2)") == "hi ada hi ada ")
        #expect(try runtime.eval("six(1, 2, 3, 4, 5, 6)") == 21)
        #expect(try runtime.eval("count('x', 3)") == ["x": 3])
        #expect(try runtime.eval("add(1, 2, 'ignored')") == 3)
    }

    @Test func anArgumentThatDoesNotDecodeIsATypeError() throws {
        try runtime.bind("add") { (a: Int, b: Int) in a + b }
        // In JavaScript it is a TypeError that says which argument and why.
        #expect(
            try runtime.eval("try { add(1, 'two') } catch (e) { [e.name, e.message] }")
                == ["TypeError", "argument 2 cannot be Int: $: expected a number for Int, found string"])
        // Uncaught, it comes back to Swift as the Swift error it is.
        let fraction = #expect(throws: JSRunOps.TypeError.self) { try runtime.eval("add(1.5, 2)") }
        #expect(fraction?.description == "argument 1 cannot be Int: $: 1.5 is not an integer")
        let missing = #expect(throws: JSRunOps.TypeError.self) { try runtime.eval("add(1)") }
        #expect(missing?.argument == 2)
        // JavaScript can catch it, and the runtime lives on.
        #expect(try runtime.eval("try { add('a', 1) } catch (e) { e instanceof Error && e.name }") == "TypeError")
        let symbol = #expect(throws: JavaScriptError.self) { try runtime.eval("add(Symbol('s'), 1)") }
        #expect(symbol?.name == "TypeError")
        #expect(symbol?.message.contains("Symbol") == true)
    }

    @Test func namesArePropertyKeysNeverSource() throws {
        try runtime.bind("my-func") { (x: Int) in x * 2 }
        try runtime.bind("x'); hacked = true; ('") { (x: Int) in x }
        try runtime.bind("api.math.add") { (a: Int, b: Int) in a + b }
        #expect(try runtime.eval("globalThis['my-func'](21)") == 42)
        #expect(try runtime.eval("typeof hacked") == "undefined")
        #expect(try runtime.eval("globalThis[\"x'); hacked = true; ('\"](7)") == 7)
        #expect(try runtime.eval("api.math.add(1, 2)") == 3)
        try runtime.bind("api.math.sub") { (a: Int, b: Int) in a - b }
        #expect(try runtime.eval("[api.math.add(5, 1), api.math.sub(5, 1)]") == [6, 4])
        #expect(throws: RuntimeError.self) { try runtime.bind("api..x") { (a: Int) in a } }
        try runtime.eval("globalThis.taken = 5")
        let blocked = #expect(throws: JavaScriptError.self) { try runtime.bind("taken.f") { (a: Int) in a } }
        #expect(blocked?.message.contains("'taken': it is not an object") == true)
    }

    @Test func swiftErrorsBecomeJavaScriptErrorsAndComeBackAsThemselves() throws {
        try runtime.bind("withdraw") { (amount: Int) throws -> Int in throw Overdrawn(amount: amount) }
        #expect(
            try runtime.eval("try { withdraw(5) } catch (e) { [e instanceof Error, e.name, e.message] }")
                == [true, "Overdrawn", "overdrawn by 5"])
        // Uncaught, it crosses back to Swift as the original error.
        let original = #expect(throws: Overdrawn.self) { try runtime.eval("withdraw(7)") }
        #expect(original?.amount == 7)
        // Rethrown by JavaScript unchanged, too.
        #expect(throws: Overdrawn.self) { try runtime.eval("try { withdraw(1) } catch (e) { throw e }") }
        // Changed into another error, it is a JavaScriptError.
        #expect(throws: JavaScriptError.self) {
            try runtime.eval("try { withdraw(1) } catch (e) { throw new Error('wrapped: ' + e.message) }")
        }
    }

    @Test func aHostFunctionMayCallBackIntoItsRuntime() throws {
        let runtime = self.runtime
        try runtime.bind("double") { (x: Int) in try runtime.eval("\(x) * 2", as: Int.self) }
        #expect(try runtime.eval("double(21)") == 42)
        // JavaScript -> Swift -> JavaScript -> Swift ..., ten levels deep.
        try runtime.bind("descend") { (n: Int) -> Int in
            n == 0 ? 0 : try runtime.eval("descend(\(n - 1)) + 1", as: Int.self)
        }
        #expect(try runtime.eval("descend(10)") == 10)
        let inner = try #require(try runtime.eval("(x) => x + 1").function)
        try runtime.bind("viaHandle") { (x: Int) in try inner.call(.number(Double(x)), as: Int.self) }
        #expect(try runtime.eval("viaHandle(1)") == 2)
    }

    @Test func functionArgumentsArriveAsHandles() throws {
        try runtime.bind("applyTwice") { (arguments: [JSValue]) throws -> JSValue in
            guard let function = arguments.first?.function else { return .null }
            let once = try function.call(arguments[1])
            return try function.call(once)
        }
        #expect(try runtime.eval("applyTwice(x => x * 3, 2)") == 18)
    }

    @Test func asyncFunctionsGiveAPromiseAndRunOffTheRuntimeThread() async throws {
        try runtime.bind("slowDouble") { (x: Int) async throws -> Int in
            try await Task.sleep(for: .milliseconds(20))
            let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            return thread.hasPrefix("jsrun:") ? -1 : x * 2
        }
        #expect(try runtime.eval("slowDouble(1) instanceof Promise") == true)
        #expect(try await runtime.evalAsync("slowDouble(21)") == 42)
        // The runtime serves other calls meanwhile.
        let pending = Task { try await runtime.evalAsync("slowDouble(1).then(() => slowDouble(2))") }
        #expect(try runtime.eval("'still serving'") == "still serving")
        #expect(try await pending.value == 4)
        try runtime.bind("failLater") { (x: Int) async throws -> Int in throw Overdrawn(amount: x) }
        await #expect(throws: Overdrawn.self) { try await runtime.evalAsync("failLater(3)") }
        #expect(
            try await runtime.evalAsync("failLater(4).catch(e => e.name + ': ' + e.message)")
                == "Overdrawn: overdrawn by 4")
    }

    @Test func closingTheRuntimeCancelsPendingAsyncFunctions() async throws {
        let cancelled = Mutex(false)
        let runtime = try Runtime()
        try runtime.bind("forever") { (arguments: [JSValue]) async throws -> JSValue in
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            return .null
        }
        try runtime.eval("forever(); 0")
        #expect(try runtime.stats().activeAsyncOps == 1)
        runtime.close()
        for _ in 0..<200 where !cancelled.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cancelled.withLock { $0 })
    }

    @Test func closuresThatOutliveTheirRuntimeAreHarmless() async throws {
        let finished = Mutex(false)
        let runtime = try Runtime()
        // This closure ignores cancellation and finishes after the runtime is gone.
        try runtime.bind("stubborn") { (_: [JSValue]) async -> JSValue in
            let deadline = ContinuousClock.now + .milliseconds(50)
            while ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
            finished.withLock { $0 = true }
            return .null
        }
        let kept = Mutex<JSFunction?>(nil)
        try runtime.bind("keep") { (arguments: [JSValue]) in
            kept.withLock { $0 = arguments.first?.function }
            return .null
        }
        try runtime.eval("stubborn(); keep(() => 1); 0")
        runtime.close()
        for _ in 0..<100 where !finished.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.withLock { $0 })
        // A function handle kept from an argument is a clear error once its runtime is closed.
        let handle = try #require(kept.withLock { $0 })
        #expect(throws: RuntimeError.closed) { try handle.call() }
    }

    @Test func eightRuntimesCallHostFunctionsInParallel() async throws {
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    let runtime = try Runtime()
                    defer { runtime.close() }
                    try runtime.bind("add") { (a: Int, b: Int) in a + b }
                    return try await runtime.evalAsync(
                        "let s = 0; for (let k = 0; k < 1000; k++) s = add(s, \(i)); s", as: Int.self)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums.sorted() == (0..<8).map { $0 * 1000 })
    }
}
