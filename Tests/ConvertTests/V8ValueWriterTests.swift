import Foundation
import JSRunTestSupport
import Testing

@testable import JSRunConvert

/// The writer against the reader (every kind of value round-trips exactly), against bytes
/// written by hand, and against real V8 through Node: Node reads what the writer writes, and
/// the reader reads what Node writes.
@Suite("V8 wire format writer")
struct V8ValueWriterTests {
    // MARK: - Round trips through the reader

    @Test(arguments: WriterFixtures.Sample.corpus)
    func roundTripsThroughTheReader(_ sample: WriterFixtures.Sample) throws {
        let bytes = try V8ValueWriter.encode(sample.value)
        let decoded = try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
        #expect(WriterFixtures.identical(decoded, sample.value), "\(sample.name): \(decoded) after a round trip")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let bytes = try V8ValueWriter.encode(.number(-0.0))
        #expect(bytes == [0xFF, 0x0F, UInt8(ascii: "N"), 0, 0, 0, 0, 0, 0, 0, 0x80])
        let decoded = try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
        #expect(decoded.numberValue?.bitPattern == (-0.0).bitPattern)
    }

    @Test func integersInInt32RangeAreSmallIntegers() throws {
        let int32 = UInt8(ascii: "I")
        #expect(try V8ValueWriter.encode(0) == [0xFF, 0x0F, int32, 0])
        #expect(try V8ValueWriter.encode(-1) == [0xFF, 0x0F, int32, 1])
        #expect(try V8ValueWriter.encode(1) == [0xFF, 0x0F, int32, 2])
        #expect(try V8ValueWriter.encode(64) == [0xFF, 0x0F, int32, 0x80, 0x01])
        #expect(
            try V8ValueWriter.encode(.number(Double(Int32.max))) == [0xFF, 0x0F, int32, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(
            try V8ValueWriter.encode(.number(Double(Int32.min))) == [0xFF, 0x0F, int32, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        // Out of range, or not integral: a double.
        for number in [2_147_483_648, -2_147_483_649, 1.5, .nan, .infinity] {
            let bytes = try V8ValueWriter.encode(.number(number))
            #expect(bytes.count == 11 && bytes[2] == UInt8(ascii: "N"), "\(number): \(bytes)")
        }
    }

    // MARK: - Exact bytes

    @Test func primitivesAndContainersAreV8sBytes() throws {
        #expect(try V8ValueWriter.encode(.undefined) == [0xFF, 0x0F, UInt8(ascii: "_")])
        #expect(try V8ValueWriter.encode(nil) == [0xFF, 0x0F, UInt8(ascii: "0")])
        #expect(try V8ValueWriter.encode(true) == [0xFF, 0x0F, UInt8(ascii: "T")])
        #expect(try V8ValueWriter.encode(false) == [0xFF, 0x0F, UInt8(ascii: "F")])
        // {b: 1, a: true}, the reader's example.
        #expect(
            try V8ValueWriter.encode(["b": 1, "a": true]) == [
                0xFF, 0x0F, UInt8(ascii: "o"),
                UInt8(ascii: "\""), 1, UInt8(ascii: "b"), UInt8(ascii: "I"), 2,
                UInt8(ascii: "\""), 1, UInt8(ascii: "a"), UInt8(ascii: "T"),
                UInt8(ascii: "{"), 2,
            ])
        // [null]: length, element, no property, length again.
        #expect(
            try V8ValueWriter.encode([nil]) == [
                0xFF, 0x0F, UInt8(ascii: "A"), 1, UInt8(ascii: "0"), UInt8(ascii: "$"), 0, 1,
            ])
    }

    @Test func stringsAreLatin1WhenTheyCanBe() throws {
        #expect(try V8ValueWriter.encode("hi") == [0xFF, 0x0F, UInt8(ascii: "\""), 2, 0x68, 0x69])
        #expect(try V8ValueWriter.encode("") == [0xFF, 0x0F, UInt8(ascii: "\""), 0])
        #expect(try V8ValueWriter.encode("é\u{FF}\u{80}") == [0xFF, 0x0F, UInt8(ascii: "\""), 3, 0xE9, 0xFF, 0x80])
        // U+0100 does not fit in a byte: the whole string is UTF-16.
        #expect(
            try V8ValueWriter.encode("é\u{100}") == [0xFF, 0x0F, UInt8(ascii: "c"), 4, 0xE9, 0x00, 0x00, 0x01])
    }

    @Test func twoByteStringsAreAlignedAsV8AlignsThem() throws {
        // "€" right after the header: the characters start at offset 4, even, no padding.
        #expect(try V8ValueWriter.encode("€") == [0xFF, 0x0F, UInt8(ascii: "c"), 2, 0xAC, 0x20])
        // ["x", "€"]: the characters would start at offset 11, so V8 pads (Node's own bytes).
        #expect(
            try V8ValueWriter.encode(["x", "€"]) == [
                0xFF, 0x0F, UInt8(ascii: "A"), 2, UInt8(ascii: "\""), 1, UInt8(ascii: "x"),
                0x00, UInt8(ascii: "c"), 2, 0xAC, 0x20, UInt8(ascii: "$"), 0, 2,
            ])
        // An emoji is a surrogate pair.
        #expect(try V8ValueWriter.encode("😀") == [0xFF, 0x0F, UInt8(ascii: "c"), 4, 0x3D, 0xD8, 0x00, 0xDE])
    }

    @Test func everyScalarBecomesItsUTF16Units() throws {
        let scalars: [Unicode.Scalar] = [
            "a", "\u{7F}", "\u{80}", "\u{FF}", "\u{100}", "\u{7FF}", "\u{800}", "\u{FFFD}", "\u{FFFF}",
            "\u{10000}", "\u{1F600}", "\u{10FFFF}",
        ]
        for scalar in scalars {
            let string = "x" + String(scalar) + "y"
            let bytes = try V8ValueWriter.encode(.string(string))
            let units = Array(string.utf16)
            let payload: [UInt8] =
                units.allSatisfy { $0 <= 0xFF }
                ? units.map { UInt8($0) }
                : units.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
            #expect(Array(bytes.suffix(payload.count)) == payload, "U+\(String(scalar.value, radix: 16))")
            #expect(try bytes.withUnsafeBytes { try V8ValueReader.decode($0) } == .string(string))
        }
    }

    // MARK: - Depth

    @Test func nestingUpToTheLimitIsWrittenAndReadBack() throws {
        let deepest = WriterFixtures.nested(V8ValueWriter.defaultLimits.maxDepth)
        let bytes = try V8ValueWriter.encode(deepest)
        #expect(try bytes.withUnsafeBytes { try V8ValueReader.decode($0) } == deepest)
    }

    @Test func nestingBeyondTheLimitIsAFailureNamingThePath() {
        let limit = V8ValueWriter.defaultLimits.maxDepth
        let error = #expect(throws: V8ValueWriter.Failure.self) {
            try V8ValueWriter.encode(WriterFixtures.nested(limit + 1))
        }
        let path = "$" + String(repeating: ".a", count: limit)
        #expect(error == .tooDeep(limit: limit, path: path))
        // Far beyond the limit: still a failure, not a stack overflow.
        #expect(throws: V8ValueWriter.Failure.self) { try V8ValueWriter.encode(WriterFixtures.nested(20 * limit)) }
    }

    @Test func aSmallerLimitNamesWhereItWasReached() {
        let value: JSValue = ["users": [["name": "Ada"]]]
        #expect(throws: Never.self) { try V8ValueWriter.encode(value, limits: .init(maxDepth: 3, maxBytes: .max)) }
        let error = #expect(throws: V8ValueWriter.Failure.self) {
            try V8ValueWriter.encode(value, limits: .init(maxDepth: 2, maxBytes: .max))
        }
        #expect(error == .tooDeep(limit: 2, path: "$.users[0]"))
        #expect(error?.description == "the value at $.users[0] is nested more than 2 levels deep")
        #expect(throws: Never.self) {
            try V8ValueWriter.encode(["a": "flat"], limits: .init(maxDepth: 1, maxBytes: .max))
        }
        #expect(throws: V8ValueWriter.Failure.tooDeep(limit: 0, path: "$")) {
            try V8ValueWriter.encode([], limits: .init(maxDepth: 0, maxBytes: .max))
        }
    }

    // MARK: - Functions

    @Test func aFunctionWithoutARuntimeIsAFailureNamingThePath() {
        let value: JSValue = ["handlers": [.function(WriterFixtures.testFunction("onClick"))]]
        let error = #expect(throws: V8ValueWriter.Failure.self) { try V8ValueWriter.encode(value) }
        #expect(error == .function(reason: V8ValueWriter.noRuntimeReason, path: "$.handlers[0]"))
        #expect(error?.description == "a function at $.handlers[0] can only be passed to the runtime it came from")
    }

    @Test func aFunctionIsAHostObjectWithTheRuntimesID() throws {
        let first = WriterFixtures.testFunction("first")
        let second = WriterFixtures.testFunction("second")
        var asked: [JSFunction] = []
        let bytes = try V8ValueWriter.encode([.function(first), .function(second)]) {
            (function) throws(V8ValueWriter.Failure) -> UInt32 in
            asked.append(function)
            return function === first ? 300 : 7
        }
        #expect(asked == [first, second])
        #expect(
            bytes == [
                0xFF, 0x0F, UInt8(ascii: "A"), 2,
                UInt8(ascii: "\\"), 0xAC, 0x02,  // 300 as a varint
                UInt8(ascii: "\\"), 7,
                UInt8(ascii: "$"), 0, 2,
            ])
    }

    @Test func aFunctionTheRuntimeRefusesIsAFailureAtItsPath() {
        let value: JSValue = ["a": ["b": .function(WriterFixtures.testFunction("gone"))]]
        let error = #expect(throws: V8ValueWriter.Failure.self) {
            try V8ValueWriter.encode(value) { (_) throws(V8ValueWriter.Failure) -> UInt32 in
                throw .function(reason: "was released", path: "")
            }
        }
        #expect(error == .function(reason: "was released", path: "$.a.b"))
        #expect(error?.description == "a function at $.a.b was released")
    }

    // MARK: - The reusable buffer

    @Test func aReusedBufferKeepsItsCapacityAndHoldsOnlyTheLastValue() throws {
        var buffer: [UInt8] = []
        let large: JSValue = .array(Array(repeating: "a string of some length", count: 100))
        try V8ValueWriter.encode(large, into: &buffer)
        let capacity = buffer.capacity
        try V8ValueWriter.encode(["x", "€"], into: &buffer)
        #expect(buffer == (try V8ValueWriter.encode(["x", "€"])))
        #expect(buffer.capacity == capacity)
        // A failure leaves nothing that could be sent by mistake.
        #expect(throws: V8ValueWriter.Failure.self) {
            try V8ValueWriter.encode(["a", .function(WriterFixtures.testFunction("f"))], into: &buffer)
        }
        #expect(buffer.isEmpty && buffer.capacity == capacity)
    }

    // MARK: - Real V8, through Node

    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: V8 itself cannot check the bytes"))
    func nodeReadsExactlyWhatTheWriterWrites() throws {
        let cases = try WriterFixtures.Sample.corpus.map { sample in
            [
                "name": sample.name, "hex": WriterFixtures.hex(try V8ValueWriter.encode(sample.value)),
                "expected": WriterFixtures.source(sample.value),
            ]
        }
        let lines = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), util = require('util'), fs = require('fs');
            const options = { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity };
            for (const c of JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))) {
              let result;
              try {
                const got = v8.deserialize(Buffer.from(c.hex, 'hex'));
                const expected = (0, eval)('(' + c.expected + ')');
                const [shown, wanted] = [util.inspect(got, options), util.inspect(expected, options)];
                // Invalid dates are never deep-equal (NaN !== NaN): for them, what util.inspect shows decides.
                const equal = util.isDeepStrictEqual(got, expected) || c.expected.includes('new Date(NaN)');
                result = equal && shown === wanted ? 'ok' : `${shown}, expected ${wanted}`;
              } catch (error) {
                result = `rejected: ${error.message}`;
              }
              console.log(c.name + ': ' + result);
            }
            """,
            input: cases)
        try #require(lines.count == cases.count, "\(lines)")
        for (sample, line) in zip(WriterFixtures.Sample.corpus, lines) {
            #expect(line == "\(sample.name): ok")
        }
    }

    /// What the writer relies on V8 to accept, checked rather than assumed: a string key that
    /// looks like an index, and a two-byte string at an odd offset (V8 itself would pad it).
    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: V8 itself cannot check the bytes"))
    func nodeAcceptsWhatV8WouldWriteDifferently() throws {
        let unpadded: [UInt8] = [
            0xFF, 0x0F, UInt8(ascii: "A"), 2, UInt8(ascii: "\""), 1, UInt8(ascii: "x"),
            UInt8(ascii: "c"), 2, 0xAC, 0x20, UInt8(ascii: "$"), 0, 2,
        ]
        let indexKey = try V8ValueWriter.encode(["b": 1, "0": "zero"])
        let lines = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), fs = require('fs');
            for (const hex of JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))) {
              const value = v8.deserialize(Buffer.from(hex, 'hex'));
              console.log(JSON.stringify([value, Object.keys(value)]));
            }
            """,
            input: [WriterFixtures.hex(unpadded), WriterFixtures.hex(indexKey)])
        #expect(lines == [#"[["x","€"],["0","1"]]"#, #"[{"0":"zero","b":1},["0","b"]]"#])
    }

    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: V8 itself cannot check the bytes"))
    func nodeReadsAFunctionsIDThroughItsDeserializerDelegate() throws {
        let bytes = try V8ValueWriter.encode(["onClick": .function(WriterFixtures.testFunction("onClick")), "n": 1]) {
            (_) throws(V8ValueWriter.Failure) -> UInt32 in 300
        }
        let lines = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), fs = require('fs');
            class Runtime extends v8.Deserializer {
              _readHostObject() { const id = this.readUint32(); return Object.assign(function handle() {}, { id }); }
            }
            for (const hex of JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))) {
              const deserializer = new Runtime(Buffer.from(hex, 'hex'));
              deserializer.readHeader();
              const value = deserializer.readValue();
              console.log(typeof value.onClick, value.onClick.id, value.n, Object.keys(value).join());
            }
            """,
            input: [WriterFixtures.hex(bytes)])
        #expect(lines == ["function 300 1 onClick,n"])
    }

    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: V8 itself cannot check the bytes"))
    func theReaderReadsWhatNodeWrites() throws {
        let sources = WriterFixtures.NodeSample.corpus.map(\.source)
        let lines = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), fs = require('fs');
            for (const source of JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))) {
              console.log(v8.serialize((0, eval)('(' + source + ')')).toString('hex'));
            }
            """,
            input: sources)
        try #require(lines.count == sources.count)
        for (sample, line) in zip(WriterFixtures.NodeSample.corpus, lines) {
            let bytes = try #require(WriterFixtures.unhex(line), "\(sample.source): \(line)")
            // Node 18 and 20 write version 15, the version the writer writes.
            #expect(bytes.starts(with: [0xFF, 0x0F]), "\(sample.source)")
            let decoded = try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
            #expect(WriterFixtures.identical(decoded, sample.expected), "\(sample.source): read \(decoded)")
            if sample.sameBytes {
                #expect(try V8ValueWriter.encode(sample.expected) == bytes, "\(sample.source): not V8's bytes")
            }
        }
    }
}

// MARK: - Fixtures

/// The values, helpers and Node runner of these tests, in a namespace of their own so that they
/// do not meet the names of other test files.
enum WriterFixtures {
    /// A value to write, named for the test's report.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let value: JSValue

        var testDescription: String { name }

        static let corpus: [Sample] = [
            Sample(name: "undefined", value: .undefined),
            Sample(name: "null", value: nil),
            Sample(name: "true", value: true),
            Sample(name: "false", value: false),
            Sample(name: "zero", value: 0),
            Sample(name: "negative zero", value: .number(-0.0)),
            Sample(name: "small integers", value: [1, -1, 63, 64, -64, -65, 1_000_000]),
            Sample(name: "Int32 bounds", value: [.number(Double(Int32.max)), .number(Double(Int32.min))]),
            Sample(name: "2^31", value: 2_147_483_648),
            Sample(name: "-2^31-1", value: -2_147_483_649),
            Sample(name: "2^53", value: 9_007_199_254_740_992),
            Sample(name: "fractions", value: [1.5, -0.1, 1e-300]),
            Sample(
                name: "large doubles",
                value: [1e300, .number(.greatestFiniteMagnitude), .number(-1.7976931348623157e308)]),
            Sample(name: "smallest subnormal", value: .number(.leastNonzeroMagnitude)),
            Sample(name: "NaN", value: .number(.nan)),
            Sample(name: "infinities", value: [.number(.infinity), .number(-.infinity)]),
            Sample(name: "empty string", value: ""),
            Sample(name: "ASCII string", value: "hello, world"),
            Sample(name: "Latin-1 string", value: "café déjà vu ÿ ñ ß \u{80}"),
            Sample(name: "non-Latin-1 string", value: "€ and Ā"),
            Sample(name: "emoji", value: "😀👍🏽🇫🇷"),
            Sample(name: "CJK", value: "日本語の文字列"),
            Sample(name: "mixed string", value: "a😀b日c"),
            Sample(name: "control characters", value: "\0\u{1}\t\n\"\\"),
            Sample(name: "long Latin-1 string", value: .string(String(repeating: "é", count: 300))),
            Sample(name: "long two-byte string", value: .string(String(repeating: "€", count: 300))),
            Sample(
                name: "two-byte strings at every alignment",
                value: ["€", "x", "€", "xx", "€", ["€"], ["k": "€"], .string(String(repeating: "字", count: 64))]),
            Sample(name: "empty array", value: []),
            Sample(name: "empty object", value: [:]),
            Sample(name: "array with undefined", value: [.undefined, nil, 1, .undefined]),
            Sample(
                name: "nested objects in key order",
                value: ["z": 1, "a": ["y": [1, ["x": "€"]], "b": nil, "c": [:]], "m": [[], [[]]]]),
            Sample(name: "odd keys", value: ["": 1, "with space": 2, "quote\"": 3, "€uro": 4, "😀": 5]),
            Sample(name: "integer-like keys", value: ["0": "zero", "1": "one", "10": "ten"]),
            Sample(
                name: "object in object in array", value: [["name": "Ada", "tags": ["math", "engines"], "age": 36]]),
            Sample(name: "deep nesting", value: nested(200)),
            Sample(
                name: "BigInts", value: [.bigInt(0), .bigInt(-1), .bigInt(JSBigInt("123456789012345678901234567890")!)]),
            Sample(name: "dates", value: [.date(JSDate(millisecondsSince1970: 1_704_067_200_000)), .date(.invalid)]),
            Sample(name: "an ArrayBuffer", value: .bytes(JSBytes(.arrayBuffer, data: Data([0, 1, 255]))!)),
            Sample(name: "a DataView", value: .bytes(JSBytes(.dataView, data: Data([9, 8]))!)),
            Sample(name: "every typed array", value: .array(bytesOfEveryKind)),
            Sample(name: "an empty Uint8Array", value: .bytes(JSBytes([UInt8]()))),
            Sample(
                name: "a Map with keys of every kind",
                value: .map([1: "one", "k": ["a": 1], [1]: .bigInt(2), nil: true])),
            Sample(name: "an empty Map and Set", value: [.map([:]), .set([])]),
            Sample(name: "a Set", value: .set(["a", 1, ["x": nil], .set([2])])),
            Sample(
                name: "errors",
                value: [
                    .error(JSError(name: "TypeError", message: "bad", stack: "TypeError: bad\n    at f (x.js:1:1)")),
                    .error(JSError(name: "RangeError", message: "far", stack: "RangeError: far", cause: ["n": 1])),
                    .error(JSError(message: "", stack: "Error")),
                ]),
            Sample(
                name: "regular expressions",
                value: [.regExp(JSRegExp("a+b", flags: "dgimsuy")), .regExp(JSRegExp("€/\\d"))]),
        ]

        /// One value of each typed array and of each element type.
        static let bytesOfEveryKind: [JSValue] = [
            .bytes(JSBytes([-1, 2] as [Int8])), .bytes(JSBytes([255, 0] as [UInt8])),
            .bytes(JSBytes(.uint8ClampedArray, data: Data([7]))!), .bytes(JSBytes([-300] as [Int16])),
            .bytes(JSBytes([65535] as [UInt16])), .bytes(JSBytes([Int32.min, 1] as [Int32])),
            .bytes(JSBytes([UInt32.max] as [UInt32])), .bytes(JSBytes([1.5, -0.25] as [Float])),
            .bytes(JSBytes([.pi, -0.0, .infinity] as [Double])), .bytes(JSBytes([Int64.min, -1] as [Int64])),
            .bytes(JSBytes([UInt64.max] as [UInt64])),
        ]
    }

    /// A value for Node to serialize (JavaScript source) and what the reader should make of it.
    struct NodeSample: Sendable {
        let source: String
        let expected: JSValue
        /// Whether the writer writes the same bytes as V8 for `expected`. V8 writes holes and
        /// integer-like keys differently, and does not always write an integral number as `I`.
        var sameBytes = true

        static let corpus: [NodeSample] = [
            NodeSample(source: "undefined", expected: .undefined),
            NodeSample(source: "null", expected: nil),
            NodeSample(source: "true", expected: true),
            NodeSample(source: "false", expected: false),
            NodeSample(source: "0", expected: 0),
            NodeSample(source: "-0", expected: .number(-0.0)),
            NodeSample(source: "-1", expected: -1),
            NodeSample(source: "2147483647", expected: 2_147_483_647),
            NodeSample(source: "2 ** 31", expected: 2_147_483_648),
            NodeSample(source: "-(2 ** 31) - 1", expected: -2_147_483_649),
            NodeSample(source: "1.5", expected: 1.5),
            NodeSample(source: "1e300", expected: 1e300),
            NodeSample(source: "Number.MIN_VALUE", expected: .number(.leastNonzeroMagnitude)),
            NodeSample(source: "NaN", expected: .number(.nan)),
            NodeSample(source: "-Infinity", expected: .number(-.infinity)),
            NodeSample(source: "''", expected: ""),
            NodeSample(source: "'café'", expected: "café"),
            NodeSample(source: "'€'", expected: "€"),
            NodeSample(source: "'😀 日本語'", expected: "😀 日本語"),
            NodeSample(source: "'é'.repeat(300)", expected: .string(String(repeating: "é", count: 300))),
            NodeSample(source: "'€'.repeat(300)", expected: .string(String(repeating: "€", count: 300))),
            NodeSample(source: "['x', '€', 'xx', '€']", expected: ["x", "€", "xx", "€"]),
            // A one-byte string cut from a two-byte one: V8 may write it as two bytes.
            NodeSample(source: "'€é'.slice(1)", expected: "é", sameBytes: false),
            NodeSample(source: "[]", expected: []),
            NodeSample(source: "{}", expected: [:]),
            NodeSample(source: "[undefined, null, 1]", expected: [.undefined, nil, 1]),
            NodeSample(source: "[1, , 3]", expected: [1, .undefined, 3], sameBytes: false),
            NodeSample(source: "new Array(2)", expected: [.undefined, .undefined], sameBytes: false),
            NodeSample(
                source: "{ z: 1, a: { y: [1, { x: '€' }], b: null }, m: [] }",
                expected: ["z": 1, "a": ["y": [1, ["x": "€"]], "b": nil], "m": []]),
            NodeSample(source: "{ b: 1, 0: 'zero' }", expected: ["0": "zero", "b": 1], sameBytes: false),
            NodeSample(source: "{ '€': 'key', '': 'empty' }", expected: ["€": "key", "": "empty"]),
            // The same object twice: V8 writes a reference the second time.
            NodeSample(
                source: "(() => { const o = { x: 1 }; return [o, o] })()", expected: [["x": 1], ["x": 1]],
                sameBytes: false),
            NodeSample(source: "0n", expected: .bigInt(0)),
            NodeSample(source: "-(2n ** 70n)", expected: .bigInt(JSBigInt("-1180591620717411303424")!)),
            NodeSample(source: "2n ** 64n - 1n", expected: .bigInt(JSBigInt(UInt64.max))),
            NodeSample(
                source: "new Date(1704067200000)", expected: .date(JSDate(millisecondsSince1970: 1_704_067_200_000))),
            NodeSample(source: "new Date(-1)", expected: .date(JSDate(millisecondsSince1970: -1))),
            NodeSample(source: "new Date(NaN)", expected: .date(.invalid)),
            NodeSample(source: "/ab+c/dgimsuy", expected: .regExp(JSRegExp("ab+c", flags: "dgimsuy"))),
            NodeSample(source: "new RegExp('a/b')", expected: .regExp(JSRegExp("a\\/b"))),
            NodeSample(
                source: "new Map([[1, 'one'], ['k', { a: 1 }], [null, []]])",
                expected: .map([1: "one", "k": ["a": 1], nil: []])),
            NodeSample(source: "new Set(['a', 1, new Set()])", expected: .set(["a", 1, .set([])])),
            NodeSample(source: "new ArrayBuffer(3)", expected: .bytes(JSBytes(.arrayBuffer, data: Data(count: 3))!)),
            // Node writes its typed arrays as host objects: the writer's standard tags differ.
            NodeSample(
                source: "new Int32Array([1, -1])", expected: .bytes(JSBytes([1, -1] as [Int32])), sameBytes: false),
            NodeSample(
                source: "new Uint8Array([1, 2, 3]).subarray(1)", expected: .bytes(JSBytes([2, 3] as [UInt8])),
                sameBytes: false),
            NodeSample(source: "Buffer.from('hi')", expected: .bytes(JSBytes(Array("hi".utf8))), sameBytes: false),
            NodeSample(
                source: "new Uint8ClampedArray([300])",
                expected: .bytes(JSBytes(.uint8ClampedArray, data: Data([255]))!), sameBytes: false),
            NodeSample(
                source: "new Float64Array([1.5])", expected: .bytes(JSBytes([1.5] as [Double])), sameBytes: false),
            NodeSample(
                source: "new BigUint64Array([2n ** 64n - 1n])", expected: .bytes(JSBytes([UInt64.max])),
                sameBytes: false),
            NodeSample(
                source: "new DataView(new ArrayBuffer(2))", expected: .bytes(JSBytes(.dataView, data: Data(count: 2))!),
                sameBytes: false),
            NodeSample(
                source: "Object.assign(new RangeError('far', { cause: 1 }), { stack: 'RangeError: far\\n    at x' })",
                expected: .error(
                    JSError(name: "RangeError", message: "far", stack: "RangeError: far\n    at x", cause: 1))),
            NodeSample(
                source: """
                    (() => { class HTTPError extends Error {}; const e = new HTTPError('nope');
                      e.stack = 'HTTPError: nope\\n    at y'; return e })()
                    """,
                expected: .error(JSError(name: "HTTPError", message: "nope", stack: "HTTPError: nope\n    at y"))),
            NodeSample(
                source: "[new Number(3), Object('s'), Object(2n), new Boolean(false)]",
                expected: [3, "s", .bigInt(2), false], sameBytes: false),
            NodeSample(
                source: "(() => { const m = new Map([[1, 2]]); return [m, m] })()",
                expected: [.map([1: 2]), .map([1: 2])],
                sameBytes: false),
            // References after objects of every kind: the reader numbers objects as V8 does.
            NodeSample(
                source: """
                    (() => { const o = { k: 1 }, e = Object.assign(new Error('x'), { stack: 's' }), r = /a/g,
                      d = new Date(0), b = new ArrayBuffer(2);
                      return [e, r, d, new Map(), new Set(), Object(1), b, new Uint8Array(b), o, o, e, r, d, b] })()
                    """,
                expected: [
                    .error(JSError(message: "x", stack: "s")), .regExp(JSRegExp("a", flags: "g")),
                    .date(JSDate(millisecondsSince1970: 0)), .map([:]), .set([]), 1,
                    .bytes(JSBytes(.arrayBuffer, data: Data(count: 2))!), .bytes(JSBytes([0, 0] as [UInt8])),
                    ["k": 1], ["k": 1], .error(JSError(message: "x", stack: "s")), .regExp(JSRegExp("a", flags: "g")),
                    .date(JSDate(millisecondsSince1970: 0)), .bytes(JSBytes(.arrayBuffer, data: Data(count: 2))!),
                ],
                sameBytes: false),
        ]
    }

    /// Equality that also tells `-0` from `0` and keeps key order: the bits of every number.
    static func identical(_ lhs: JSValue, _ rhs: JSValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a.bitPattern == b.bitPattern
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy(identical)
        case (.object(let a), .object(let b)): a.keys == b.keys && zip(a.values, b.values).allSatisfy(identical)
        default: lhs == rhs
        }
    }

    /// `{a: {a: ... 0}}`, `depth` objects deep.
    static func nested(_ depth: Int) -> JSValue {
        var value: JSValue = 0
        for _ in 0..<depth { value = ["a": value] }
        return value
    }

    final class TestFunctionReference: JSFunctionReference {
        let name: String
        init(name: String) { self.name = name }
        var isReleased: Bool { false }
        func release() {}
    }

    static func testFunction(_ name: String) -> JSFunction {
        JSFunction(reference: TestFunctionReference(name: name))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }

    /// JavaScript source for `value`, independent of the writer: strings as `\u` escapes of their
    /// UTF-16 units, numbers with `-0`, `NaN` and `Infinity` spelled out.
    static func source(_ value: JSValue) -> String {
        switch value {
        case .undefined: return "undefined"
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
            if number == 0 { return number.sign == .minus ? "-0" : "0" }
            return "\(number)"
        case .string(let string): return quoted(string)
        case .array(let elements): return "[" + elements.map(source).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.map { "\(quoted($0.key)): \(source($0.value))" }.joined(separator: ", ") + "}"
        case .function: return "function () {}"
        case .bigInt(let bigInt): return "\(bigInt)n"
        case .date(let date): return "new Date(\(date.isValid ? String(date.millisecondsSince1970) : "NaN"))"
        case .bytes(let bytes):
            let data = "new Uint8Array([\(bytes.data.map(String.init).joined(separator: ", "))]).buffer"
            return bytes.kind == .arrayBuffer ? data : "new \(bytes.kind.name)(\(data))"
        case .map(let map):
            return "new Map([" + map.map { "[\(source($0.key)), \(source($0.value))]" }.joined(separator: ", ") + "])"
        case .set(let elements): return "new Set([" + elements.map(source).joined(separator: ", ") + "])"
        case .error(let error):
            let options = error.cause.map { ", {cause: \(source($0))}" } ?? ""
            let stack = error.stack.map { "e.stack = \(quoted($0)); " } ?? ""
            return "(() => { const e = new \(error.name)(\(quoted(error.message))\(options)); \(stack)return e })()"
        case .regExp(let regExp): return "new RegExp(\(quoted(regExp.source)), \(quoted(regExp.flags)))"
        }
    }

    static func quoted(_ string: String) -> String {
        let units = string.utf16.map { unit in
            let digits = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "\"" + units.joined() + "\""
    }

    /// Node, when it is on PATH: runs a script with a JSON input file and returns its output lines.
    enum Node {
        static let executable: URL? = {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            for directory in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("node")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            return nil
        }()

        static var isAvailable: Bool { executable != nil }

        struct Failed: Error, CustomStringConvertible {
            let output: ProcessOutput
            var description: String { "node exited with status \(output.status): \(output.stderr)" }
        }

        static func run(_ script: String, input: some Encodable) throws -> [String] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "v8-writer-\(UUID().uuidString).json")
            try JSONEncoder().encode(input).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let output = try runProcess(try #require(executable), ["-e", script, file.path])
            guard output.status == 0 else { throw Failed(output: output) }
            return output.stdout.split(separator: "\n").map(String.init)
        }
    }
}
