import Foundation
import JSRun
import JSRunGuides
import Testing

/// What docs/guides/Values.md says its snippets give, and the rows of its tables.
@Suite struct ValuesTests {
    @Test func everyKind() throws {
        let value = try Values.everyKind()
        #expect(value["nothing"] == .undefined)
        #expect(value["empty"] == .null)
        #expect(value["yes"] == true)
        #expect(value["pi"] == 3.14)
        #expect(value["negativeZero"]?.numberValue?.sign == .minus)
        #expect(value["huge"]?.bigIntValue?.description == "18446744073709551616")
        #expect(value["text"] == "héllo")
        #expect(value["holes"] == [1, .undefined, 3])
        #expect(value["epoch"] == .date(JSDate(millisecondsSince1970: 0)))
        #expect(value["bytes"] == .bytes(JSBytes([1, -1] as [Int16])))
        #expect(value["bytes"]?.bytesValue?.data.count == 4)
        #expect(value["counts"] == .map(JSMap([("a", 1), (2, "b")])))
        #expect(value["unique"] == .set([1, 2]))
        let failure = try #require(value["failure"]?.errorValue)
        #expect(failure.name == "RangeError")
        #expect(failure.message == "too far")
        #expect(failure.cause == 42)
        #expect(value["pattern"] == .regExp(JSRegExp("ab+c", flags: "gi")))
        #expect(value["boxed"] == 7)
        #expect(value["double"]?.function != nil)
    }

    /// The rows of the table that the snippet does not show.
    @Test func theOtherRowsOfTheTable() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        // A lone surrogate becomes U+FFFD.
        #expect(try runtime.eval("'a\\ud800b'") == "a\u{FFFD}b")
        // Every typed array, ArrayBuffer and DataView keeps its kind and the bytes of its view.
        let kinds = try runtime.eval(
            """
            [new ArrayBuffer(2), new DataView(new ArrayBuffer(2)), new Uint8Array(new ArrayBuffer(8), 2, 3),
             new Float64Array(1), new BigInt64Array(1), new Uint8ClampedArray(1)]
            """)
        #expect(
            kinds.arrayValue?.compactMap { $0.bytesValue?.kind }
                == [.arrayBuffer, .dataView, .uint8Array, .float64Array, .bigInt64Array, .uint8ClampedArray])
        #expect(kinds[2]?.bytesValue?.data.count == 3)
        // An invalid Date is a JSDate too.
        #expect(try runtime.eval("new Date(NaN)") == .date(.invalid))
        // A class instance: its own enumerable string-keyed properties; getters on the prototype
        // are not its own, symbol keys are skipped, getters of its own are read.
        #expect(
            try runtime.eval(
                "class P { constructor() { this.x = 1 } get y() { return 2 } }; const p = new P(); p[Symbol()] = 3; p")
                == ["x": 1])
        #expect(try runtime.eval("({ get g() { return 5 } })") == ["g": 5])
        // Other objects: their own enumerable properties, often none.
        #expect(try runtime.eval("new WeakRef({})") == .object([:]))
        #expect(try runtime.eval("(function* () {})()") == .object([:]))
        // Keys in JavaScript's order: integer-like keys first.
        #expect(try runtime.eval("({ b: 1, 2: 'two', a: 3, 1: 'one' })").objectValue?.keys == ["1", "2", "b", "a"])
        // Boxed primitives of every kind.
        #expect(try runtime.eval("[new String('s'), new Boolean(false), Object(1n)]") == ["s", false, .bigInt(1)])
        // A proxy: a plain object read through its traps.
        #expect(
            try runtime.eval(
                """
                new Proxy({}, { ownKeys: () => ['x'], get: () => 7,
                  getOwnPropertyDescriptor: () => ({ value: 7, enumerable: true, configurable: true }) })
                """) == ["x": 7])
        // A subclass of Error keeps its name; an Error's own name too.
        let http = try runtime.eval(
            "class HTTPError extends Error { constructor(m) { super(m); this.name = 'HTTPError' } }; new HTTPError('no')"
        )
        #expect(http.errorValue?.name == "HTTPError")
        // The same object twice: a copy in each place.
        #expect(try runtime.eval("const s = { v: 1 }; ({ a: s, b: s })") == ["a": ["v": 1], "b": ["v": 1]])
        // Refused: each names the kind and the path.
        for (source, start) in [
            ("new WeakMap()", "a WeakMap at $"), ("new WeakSet()", "a WeakSet at $"),
            ("new SharedArrayBuffer(4)", "a SharedArrayBuffer at $"),
            ("new WebAssembly.Memory({ initial: 1 })", "a WebAssembly object at $"),
            ("[Promise.resolve()]", "a Promise at $[0]"),
        ] {
            let error = #expect(throws: RuntimeError.self) { try runtime.eval(source) }
            guard case .conversion(let message)? = error else { continue }
            #expect(message.hasPrefix(start), "\(source): \(message)")
        }
    }

    /// The "decodes into" column, beyond the snippet.
    @Test func whatEachKindDecodesInto() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        struct Named: Decodable, Equatable { var a: Int }
        struct Failure: Decodable, Equatable {
            var name: String
            var message: String
        }
        #expect(try runtime.eval("new Map([['a', 1]])", as: Named.self) == Named(a: 1))
        #expect(try runtime.eval("({ 1: 'one' })", as: [Int: String].self) == [1: "one"])
        #expect(try runtime.eval("[1, 1, 2]", as: Set<Int>.self) == [1, 2])
        #expect(try runtime.eval("new Int32Array([1, -1])", as: [Int32].self) == [1, -1])
        #expect(try runtime.eval("new Map([[1, 'a']])", as: [Int: String].self) == [1: "a"])
        #expect(try runtime.eval("new TypeError('t')", as: Failure.self) == Failure(name: "TypeError", message: "t"))
        #expect(try runtime.eval("2n ** 63n", as: UInt64.self) == 1 << 63)
        #expect(throws: DecodingError.self) { try runtime.eval("3.5", as: Int.self) }
        #expect(throws: DecodingError.self) { try runtime.eval("new Date(NaN)", as: Date.self) }
        #expect(try runtime.eval("({ a: undefined })", as: [String: Int?].self) == ["a": Int?.none])
        // Refused at the top level too.
        #expect(throws: RuntimeError.self) { try runtime.eval("Promise.resolve(1)") }
        #expect(throws: RuntimeError.self) {
            try runtime.eval("new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))")
        }
        // A handle works while its runtime is open.
        let closing = try Runtime()
        let function = try #require(try closing.eval("() => 1").function)
        closing.close()
        #expect(throws: RuntimeError.closed) { try function.call() }
    }

    @Test func decoding() throws {
        let fields = try Values.decoding()
        #expect(fields[0] == "1152921504606846976")
        #expect(fields[1] == "launch")
        #expect(fields[2] == "1704067200.0")
        #expect(fields[3] == "a,b")
        #expect(fields[4] == #"["ada": 3]"#)
        #expect(fields[5] == "[1, 2]")
        #expect(fields[6] == "nil")
    }

    @Test func decodingError() throws {
        #expect(try Values.decodingError().contains("$[1].age: expected a number for Int, found string"))
    }

    @Test func jsValuesIntoJavaScript() throws {
        #expect(
            try Values.jsValuesIntoJavaScript() == [
                "[object Undefined]", "[object Null]", "[object Number]", "[object String]",
                "[object Array]", "[object Object]", "[object BigInt]", "[object Date]",
                "[object Int32Array]", "[object Map]", "[object Set]", "[object Error]", "[object RegExp]",
            ])
    }

    /// The rows of the JSValue-to-JavaScript table that the snippet does not show.
    @Test func jsValuesIntoJavaScriptInDetail() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let check = try #require(
            try runtime.eval(
                """
                (error, custom, bytes, keys, fn) => [
                  error instanceof TypeError, error.message, error.cause,
                  custom instanceof Error, custom.name, bytes.byteLength, bytes.buffer.byteLength,
                  Object.keys(keys), fn(2)]
                """
            ).function)
        let sub = JSBytes(Data([1, 2, 3]))
        let seen = try check.call(
            .error(JSError(name: "TypeError", message: "bad", cause: 5)),
            .error(JSError(name: "HTTPError", message: "no")),
            .bytes(sub), ["b": 1, "2": 2, "a": 3],
            try runtime.eval("(x) => x * 10"))
        // Another name than a standard class's is not kept: an Error.
        #expect(seen == [true, "bad", 5, true, "Error", 3, 3, ["2", "b", "a"], 20])
        // A function handle from another runtime is refused.
        let other = try Runtime()
        defer { other.close() }
        let foreign = try other.eval("() => 1")
        let error = #expect(throws: RuntimeError.self) { try check.call(foreign) }
        if case .conversion(let message)? = error { #expect(message.contains("function")) }
    }

    @Test func encodablesIntoJavaScript() throws {
        #expect(
            try Values.encodablesIntoJavaScript()
                == ["id: Number", "placed: Date", "items: Array", "receipt: Uint8Array", "prices: Object"])
    }

    /// The rows of the Encodable table that the snippet does not show.
    @Test func encodablesInDetail() throws {
        let encoder = JSValueEncoder()
        #expect(try encoder.encode([1: "a"]) == ["1": "a"])
        #expect(try encoder.encode(Set([1])) == [1])
        #expect(try encoder.encode(Int?.none) == .null)
        #expect(try encoder.encode([UInt8]([1, 2])) == .bytes(JSBytes([1, 2] as [UInt8])))
        #expect(try encoder.encode(Double.nan).numberValue?.isNaN == true)
        #expect(try encoder.encode(1 << 53) == .number(9_007_199_254_740_992))
        #expect(throws: EncodingError.self) { try encoder.encode((1 << 53) + 1) }
        struct Key: Hashable, Codable { var id: Int }
        #expect(try encoder.encode([Key(id: 1): "a"]) == [["id": 1], "a"])
        #expect(try encoder.encode(JSValue.undefined) == .undefined)
    }

    @Test func encoderStrategies() throws {
        #expect(try Values.encoderStrategies() == ["BigInt", "Number", "Map"])
    }

    @Test func limits() throws {
        let (deep, refusal, large) = try Values.limits()
        #expect(deep)
        #expect(refusal == "the value at $[0][0][0] is nested more than 3 levels deep")
        #expect(large.hasPrefix("the value takes 2005 bytes, more than the limit of 1024 bytes"))
    }

    /// The limits apply both ways: arguments and bound values too.
    @Test func limitsBothWays() throws {
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxDepth: 2, maxBytes: 1 << 20)))
        defer { runtime.close() }
        let identity = try #require(try runtime.eval("(x) => 0").function)
        #expect(try identity.call([[1]]) == 0)
        #expect(throws: RuntimeError.self) { try identity.call([[[1]]]) }
        // An `Encodable` value is refused by the encoder, at the runtime's maxDepth.
        #expect(throws: EncodingError.self) { try runtime.bindObject("deep", [[[1]]]) }
        #expect(throws: RuntimeError.self) { try runtime.bindObject("deep", [[[1]]] as JSValue) }
        try runtime.bind("take") { (_: JSValue) in 1 }
        #expect(throws: (any Error).self) { try runtime.eval("take([[[1]]])") }
    }

    @Test func refused() throws {
        #expect(
            try Values.refused() == [
                "a Symbol at $.list[1] cannot leave its runtime: a symbol is unique to it",
                "a Promise at $.pending cannot be copied: await it (evalAsync, callAsync)",
                "the object at $.self refers back to an object that contains it (a cycle)",
            ])
    }

    @Test func wireFormat() throws {
        let (same, size) = try Values.wireFormat()
        #expect(same)
        #expect(size > 0)
    }

    @Test func building() {
        let user = Values.building()
        #expect(user.objectValue?.keys == ["name", "langs", "admin", "manager", "age"])
        #expect(user["manager"] == .null)
        #expect(user["age"] == 36)
    }
}
