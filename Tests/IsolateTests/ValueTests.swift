import Foundation
import JSRunConvert
import Testing

@testable import JSRunIsolate

/// The table of "Convert" through a real runtime: every kind of value out of JavaScript and back
/// in, the kinds that cannot cross, the limits, and bad values that must not hurt the runtime.
@Suite struct ValueTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    // MARK: - JavaScript to Swift

    @Test(arguments: ValueSamples.fromJavaScript)
    func everyKindComesOutOfJavaScript(_ sample: ValueSamples.Sample) throws {
        let value = try runtime.eval(sample.source)
        #expect(value == sample.expected, "\(sample.source) gave \(value)")
    }

    @Test func errorsKeepTheirClassMessageStackAndCause() throws {
        let error = try #require(try runtime.eval("new RangeError('far', { cause: { code: 7 } })").errorValue)
        #expect(error.name == "RangeError")
        #expect(error.message == "far")
        #expect(error.cause == ["code": 7])
        #expect(error.stack?.hasPrefix("RangeError: far\n    at ") == true)
        let custom = try runtime.eval(
            "class HTTPError extends Error { constructor(m) { super(m); this.name = 'HTTPError' } }; new HTTPError('nope')"
        )
        #expect(custom.errorValue?.name == "HTTPError")
        #expect(custom.errorValue?.message == "nope")
    }

    @Test func nestedFunctionsAreHandlesThatWork() throws {
        let value = try runtime.eval(
            "({ name: 'calc', ops: { mul: function mul(a, b) { return a * b } }, list: [x => x + 1] })")
        let mul = try #require(value["ops"]?["mul"]?.function)
        #expect(mul.name == "mul")
        #expect(try mul.call(6, 7) == 42)
        let increment = try #require(value["list"]?[0]?.function)
        #expect(try increment.call(1) == 2)
        // The same function met twice is one handle.
        let twice = try runtime.eval("const f = () => 1; [f, f, new Map([['k', f]])]")
        #expect(twice[0]?.function === twice[1]?.function)
        #expect(twice[2]?.mapValue?["k"]?.function === twice[0]?.function)
    }

    @Test func aHugeSparseArrayWithAFunctionInsideIsRefusedAtOnce() throws {
        // Its copy (a function needs one) walks what the array holds, not its length; its
        // 4,294,967,294 holes would take 24 bytes each in Swift, which the byte limit counts.
        let error = #expect(throws: RuntimeError.self) {
            try runtime.eval("const huge = []; huge[4294967294] = () => 1; huge")
        }
        #expect(
            error?.description.contains("more than the limit of 67108864 bytes") == true, "\(String(describing: error))"
        )
        let small = try runtime.eval("const holes = []; holes[3] = () => 1; holes")
        #expect(small.arrayValue?.count == 4 && small[0] == .undefined && small[3]?.function != nil)
    }

    @Test func aProxyIsReadThroughItsTraps() throws {
        #expect(try runtime.eval("new Proxy({ a: 1 }, { get: (t, k) => k === 'a' ? 2 : undefined })") == ["a": 2])
        let thrown = #expect(throws: JavaScriptError.self) {
            try runtime.eval("({ inner: new Proxy({ a: 1 }, { get() { throw new TypeError('trap says no') } }) })")
        }
        #expect(thrown?.message == "trap says no")
        let revoked = #expect(throws: JavaScriptError.self) {
            try runtime.eval("const r = Proxy.revocable({}, {}); r.revoke(); [r.proxy]")
        }
        #expect(revoked?.name == "TypeError")
        #expect(try runtime.eval("1 + 1") == 2)
    }

    @Test func gettersRunAndTheirExceptionsArriveAsTheyWere() throws {
        #expect(try runtime.eval("({ get answer() { return 42 } })") == ["answer": 42])
        let error = #expect(throws: JavaScriptError.self) {
            try runtime.eval("({ a: 1, get b() { throw new RangeError('getter failed') } })")
        }
        #expect(error?.name == "RangeError")
        #expect(error?.message == "getter failed")
        // An object that changes while it is read: what was read is what arrives, no crash.
        let mutated = try runtime.eval("const m = { a: 1, get b() { delete this.c; this.d = 4; return 2 }, c: 3 }; m")
        #expect(mutated["a"] == 1 && mutated["b"] == 2)
        #expect(try runtime.eval("'alive'") == "alive")
    }

    @Test func sharedReferencesArriveInEachPlace() throws {
        let value = try runtime.eval("const s = new Set([1]); const d = new Date(0); ({ a: s, b: s, c: [d, d] })")
        #expect(value["a"] == .set([1]) && value["b"] == .set([1]))
        #expect(value["c"]?[0] == value["c"]?[1])
    }

    @Test(arguments: [
        ("const c = { inner: {} }; c.inner.back = c; c", "$.inner.back"),
        ("const a = [1]; a.push(a); a", "$[1]"),
        ("const m = new Map(); m.set('self', m); m", "$.values()[0]"),
        ("const o = { f() {} }; o.again = o; o", "$.again"),
    ])
    func cyclesAreRefusedWithTheirPath(source: String, path: String) throws {
        let error = #expect(throws: RuntimeError.self) { try runtime.eval(source) }
        #expect(
            error?.description.contains("the object at \(path) refers back") == true, "\(String(describing: error))")
        #expect(try runtime.eval("2") == 2)
    }

    @Test(arguments: [
        ("({ list: [1, Symbol('s')] })", "a Symbol at $.list[1] cannot leave its runtime"),
        ("Symbol('top')", "a Symbol at $ cannot leave its runtime"),
        ("({ p: Promise.resolve(1) })", "a Promise at $.p cannot be copied: await it"),
        ("[new WeakMap()]", "a WeakMap at $[0] cannot be copied"),
        ("new Map([[1, new WeakSet()]])", "a WeakSet at $.values()[0] cannot be copied"),
        ("({ 'odd key': [new SharedArrayBuffer(4)] })", #"a SharedArrayBuffer at $["odd key"][0] cannot be copied"#),
    ])
    func valuesThatCannotCrossAreNamedWithTheirPath(source: String, message: String) throws {
        let error = #expect(throws: RuntimeError.self) { try runtime.eval(source) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(try runtime.eval("'still here'") == "still here")
    }

    // MARK: - Swift to JavaScript

    @Test(arguments: ValueSamples.fromSwift)
    func everyKindGoesIntoJavaScriptAndBack(_ sample: ValueSamples.Sample) throws {
        let check = try #require(try runtime.eval("(value) => [\(sample.source)]").function)
        // JavaScript sees what it would have built itself...
        #expect(try check.call(sample.expected) == [true], "\(sample.source)")
        // ...and a value that goes in and out again is unchanged.
        let identity = try #require(try runtime.eval("(value) => value").function)
        #expect(try identity.call(sample.expected) == sample.expected)
    }

    @Test func anErrorFromSwiftIsARealError() throws {
        let describe = try #require(
            try runtime.eval("(e) => [e instanceof TypeError, e.message, e.cause, e.stack]").function)
        let error = JSError(
            name: "TypeError", message: "bad input", stack: "TypeError: bad input\n    at swift", cause: 5)
        #expect(try describe.call(.error(error)) == [true, "bad input", 5, "TypeError: bad input\n    at swift"])
    }

    @Test func aFunctionFromAnotherRuntimeIsRefused() throws {
        let other = try Runtime()
        defer { other.close() }
        let foreign = try #require(try other.eval("() => 1").function)
        let identity = try #require(try runtime.eval("(value) => value").function)
        let error = #expect(throws: RuntimeError.self) { try identity.call(["nested": [.function(foreign)]]) }
        #expect(error?.description.contains("a function at $[0].nested[0] belongs to another runtime") == true)
    }

    // MARK: - Limits

    @Test func theDefaultDepthIs100LevelsBothWays() throws {
        #expect(try runtime.eval("let v = []; for (let i = 1; i < 100; i++) v = [v]; v") == ValueSamples.nested(100))
        let out = #expect(throws: RuntimeError.self) { try runtime.eval("[v]") }
        #expect(out?.description.contains("nested more than 100 levels deep") == true)
        let identity = try #require(try runtime.eval("(value) => 1").function)
        #expect(try identity.call(ValueSamples.nested(100)) == 1)
        let into = #expect(throws: RuntimeError.self) { try identity.call(ValueSamples.nested(101)) }
        #expect(into?.description.contains("nested more than 100 levels deep") == true)
    }

    @Test func smallerLimitsRefuseWholeValuesAndTheRuntimeGoesOn() throws {
        let limits = ConversionLimits(maxDepth: 2, maxBytes: 1000)
        let runtime = try Runtime(RuntimeConfig(conversionLimits: limits))
        defer { runtime.close() }
        #expect(try runtime.eval("[[1]]") == [[1]])
        let deep = #expect(throws: RuntimeError.self) { try runtime.eval("({ a: { b: { c: 1 } } })") }
        #expect(deep?.description.contains("the value at $.a.b is nested more than 2 levels deep") == true)
        // A sparse array's holes count too: its 99 would take 2,376 bytes in Swift.
        let holes = #expect(throws: RuntimeError.self) { try runtime.eval("const h = []; h[99] = 1; h") }
        #expect(
            holes?.description.contains("more than the limit of 1000 bytes") == true, "\(String(describing: holes))")
        let large = #expect(throws: RuntimeError.self) { try runtime.eval("'x'.repeat(2000)") }
        #expect(large?.description.contains("more than the limit of 1000 bytes") == true)
        let sink = try #require(try runtime.eval("(value) => typeof value").function)
        let into = #expect(throws: RuntimeError.self) { try sink.call(.string(String(repeating: "y", count: 2000))) }
        #expect(into?.description.contains("more than the limit of 1000 bytes") == true)
        #expect(try sink.call("small") == "string")
    }

    @Test func aValueTooDeepForV8ItselfIsAConversionError() throws {
        // V8's serializer runs out of stack long before 10,000 levels; that is no script's error.
        for source in [
            "let v = []; for (let i = 0; i < 10000; i++) v = [v]; v",
            "let o = {}; for (let i = 0; i < 10000; i++) o = { a: o, f() {} }; o",
        ] {
            let error = #expect(throws: RuntimeError.self) { try runtime.eval("{ \(source) }") }
            #expect(
                error?.description.contains("nested too deeply to be copied") == true, "\(String(describing: error))")
        }
        // A RangeError that a getter throws is still that error.
        let thrown = #expect(throws: JavaScriptError.self) {
            try runtime.eval("({ get deep() { throw new RangeError('Maximum call stack size exceeded') } })")
        }
        #expect(thrown?.name == "RangeError")
        #expect(try runtime.eval("'usable'") == "usable")
    }

    @Test func unusableLimitsAreAConfigurationError() {
        #expect(throws: RuntimeError.invalidConfiguration("maxDepth must be at least 1, not 0")) {
            try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxDepth: 0)))
        }
        #expect(throws: RuntimeError.invalidConfiguration("maxBytes must be at least 1, not -1")) {
            try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: -1)))
        }
    }

    @Test func largeBinaryDataOutlivesTheNextCall() throws {
        // Large binary data is read where V8 wrote it: it must stay intact after later calls.
        let first = try #require(try runtime.eval("new Uint8Array(1 << 20).fill(1)").bytesValue)
        let second = try #require(try runtime.eval("new Uint8Array(1 << 20).fill(2)").bytesValue)
        _ = try runtime.eval("'x'.repeat(1 << 20)")
        #expect(first.data.allSatisfy { $0 == 1 } && first.data.count == 1 << 20)
        #expect(second.data.allSatisfy { $0 == 2 })
    }

    @Test func sixteenMebibytesOfBytesGoBothWays() throws {
        let bytes = try runtime.eval(
            "const big = new Uint8Array(16 << 20); for (let i = 0; i < big.length; i += 4096) big[i] = i >> 12; big")
        let data = try #require(bytes.bytesValue)
        #expect(data.kind == .uint8Array && data.count == 16 << 20)
        #expect(data.data[4096 * 3] == 3)
        let sum = try #require(try runtime.eval("(b) => b.length + b[4096 * 5]").function)
        #expect(try sum.call(bytes) == .number(Double(16 << 20) + 5))
    }
}

/// The values of these tests: JavaScript source and the `JSValue` it stands for.
enum ValueSamples {
    struct Sample: Sendable, CustomTestStringConvertible {
        let source: String
        let expected: JSValue
        var testDescription: String { source }
    }

    static let fromJavaScript: [Sample] = [
        Sample(source: "undefined", expected: .undefined),
        Sample(source: "({ a: undefined, b: null })", expected: ["a": .undefined, "b": nil]),
        Sample(source: "123n", expected: .bigInt(123)),
        Sample(source: "-(2n ** 100n)", expected: .bigInt(JSBigInt("-1267650600228229401496703205376")!)),
        Sample(source: "new Date(1704067200000)", expected: .date(JSDate(millisecondsSince1970: 1_704_067_200_000))),
        Sample(source: "new Date('nope')", expected: .date(.invalid)),
        Sample(source: "new Uint8Array([1, 2, 255])", expected: .bytes(JSBytes([1, 2, 255] as [UInt8]))),
        Sample(source: "new Int32Array([1, -1])", expected: .bytes(JSBytes([1, -1] as [Int32]))),
        Sample(source: "new Float64Array([0.5, -0])", expected: .bytes(JSBytes([0.5, -0.0] as [Double]))),
        Sample(source: "new BigInt64Array([-5n])", expected: .bytes(JSBytes([-5] as [Int64]))),
        Sample(source: "new Uint16Array([1, 2, 3, 4]).subarray(1, 3)", expected: .bytes(JSBytes([2, 3] as [UInt16]))),
        Sample(source: "new Uint8Array([9, 8]).buffer", expected: .bytes(JSBytes(.arrayBuffer, data: Data([9, 8]))!)),
        Sample(
            source: "new DataView(new Uint8Array([7, 6, 5]).buffer, 1)",
            expected: .bytes(JSBytes(.dataView, data: Data([6, 5]))!)),
        Sample(
            source: "new Map([[1, 'one'], [{ k: 1 }, [2]], [null, new Set()]])",
            expected: .map([1: "one", ["k": 1]: [2], nil: .set([])])),
        Sample(source: "new Set(['a', 1, 'a', { b: 2 }])", expected: .set(["a", 1, ["b": 2]])),
        Sample(source: "/a+b/gi", expected: .regExp(JSRegExp("a+b", flags: "gi"))),
        Sample(
            source:
                "const buffer = new Uint8Array([1, 2, 3, 4]).buffer; [new Uint8Array(buffer, 2), buffer, new Uint16Array(buffer, 0, 1)]",
            expected: [
                .bytes(JSBytes([3, 4] as [UInt8])), .bytes(JSBytes(.arrayBuffer, data: Data([1, 2, 3, 4]))!),
                .bytes(JSBytes([0x0201] as [UInt16])),
            ]),
        Sample(
            source: "[{ a: 1, b: 2 }, { a: 1, c: 3 }, { a: 1, b: 2, c: 3 }, { b: 1 }, {}, { a: { a: 1 } }]",
            expected: [["a": 1, "b": 2], ["a": 1, "c": 3], ["a": 1, "b": 2, "c": 3], ["b": 1], [:], ["a": ["a": 1]]]),
        Sample(
            source: "[new Number(3), new String('s'), new Boolean(true), Object(7n)]",
            expected: [3, "s", true, .bigInt(7)]),
        Sample(
            source: "({ when: new Date(0), tags: new Set(['x']), big: 2n ** 64n })",
            expected: [
                "when": .date(JSDate(millisecondsSince1970: 0)), "tags": .set(["x"]),
                "big": .bigInt(JSBigInt("18446744073709551616")!),
            ]),
    ]

    /// Each value, with JavaScript that is true of `value` when it arrived intact.
    static let fromSwift: [Sample] = [
        Sample(source: "value === 2n ** 80n", expected: .bigInt(JSBigInt("1208925819614629174706176")!)),
        Sample(source: "value === -1n", expected: .bigInt(-1)),
        Sample(
            source: "value instanceof Date && value.getTime() === 86400000",
            expected: .date(JSDate(millisecondsSince1970: 86_400_000))),
        Sample(source: "value instanceof Date && isNaN(value.getTime())", expected: .date(.invalid)),
        Sample(
            source: "value instanceof Int32Array && value.length === 2 && value[1] === -1",
            expected: .bytes(JSBytes([7, -1] as [Int32]))),
        Sample(
            source: "value instanceof ArrayBuffer && value.byteLength === 3",
            expected: .bytes(JSBytes(.arrayBuffer, data: Data([1, 2, 3]))!)),
        Sample(
            source: "value instanceof DataView && value.getUint8(1) === 2",
            expected: .bytes(JSBytes(.dataView, data: Data([1, 2]))!)),
        Sample(
            source: "value instanceof Map && value.get(1) === 'one' && value.size === 2",
            expected: .map([1: "one", "two": [2]])),
        Sample(source: "value instanceof Set && value.has('a') && value.has(1)", expected: .set(["a", 1])),
        Sample(
            source: "value instanceof RegExp && value.test('xAAB') && value.flags === 'gi'",
            expected: .regExp(JSRegExp("a+b", flags: "gi"))),
        Sample(
            source: "value instanceof Error && value.message === 'm' && value.cause.x === 1",
            expected: .error(JSError(message: "m", stack: "Error: m", cause: ["x": 1]))),
        Sample(
            source: "'a' in value && value.a === undefined && value.b === null", expected: ["a": .undefined, "b": nil]),
    ]

    static func nested(_ depth: Int) -> JSValue {
        var value: JSValue = []
        for _ in 1..<depth { value = [value] }
        return value
    }
}
