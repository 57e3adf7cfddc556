import Foundation
import Testing

@testable import JSRunConvert

/// Bytes as V8's `ValueSerializer` writes them (version 15), by hand; issue "Convert" adds a
/// corpus written by Node's `v8.serialize`.
@Suite("V8 wire format reader")
struct V8ValueReaderTests {
    func read(_ bytes: [UInt8]) throws -> JSValue {
        try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
    }

    @Test func primitives() throws {
        #expect(try read([0xFF, 0x0F, UInt8(ascii: "T")]) == true)
        #expect(try read([0xFF, 0x0F, UInt8(ascii: "_")]) == .undefined)
        #expect(try read([0xFF, 0x0F, UInt8(ascii: "0")]) == .null)
        #expect(try read([0xFF, 0x0F, UInt8(ascii: "I"), 0x03]) == -2)  // zigzag
        #expect(try read([0xFF, 0x0F, UInt8(ascii: "\""), 2, UInt8(ascii: "h"), UInt8(ascii: "i")]) == "hi")
    }

    @Test func objectsKeepTheirKeyOrder() throws {
        // {b: 1, a: true}
        let bytes: [UInt8] = [
            0xFF, 0x0F, UInt8(ascii: "o"),
            UInt8(ascii: "\""), 1, UInt8(ascii: "b"), UInt8(ascii: "I"), 2,
            UInt8(ascii: "\""), 1, UInt8(ascii: "a"), UInt8(ascii: "T"),
            UInt8(ascii: "{"), 2,
        ]
        let value = try read(bytes)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value == ["b": 1, "a": true])
    }

    @Test func badDataIsAnErrorNotACrash() {
        #expect(throws: V8ValueReader.Failure.self) { try read([]) }
        #expect(throws: V8ValueReader.Failure.self) { try read([0xFF, 0x0F]) }
        #expect(throws: V8ValueReader.Failure.self) { try read([0xFF, 0x0F, UInt8(ascii: "\""), 200, 1]) }
        #expect(throws: V8ValueReader.Failure.self) { try read([0xFF, 0x09, UInt8(ascii: "T")]) }
        #expect(throws: V8ValueReader.Failure.self) { try read([0xFF, 0x0F, UInt8(ascii: "^"), 7]) }
        #expect(throws: V8ValueReader.Failure.self) { try read([0xFF, 0x0F, UInt8(ascii: "o"), UInt8(ascii: "\"")]) }
    }

    @Test func viewsOfEveryVersionAreRead() throws {
        // An Int32Array [1, -1] over its own buffer: version 13 writes no flags after a view,
        // versions 14 and 15 write one varint of flags.
        let buffer: [UInt8] = [UInt8(ascii: "B"), 8, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        let view: [UInt8] = [UInt8(ascii: "V"), UInt8(ascii: "d"), 0, 8]
        let expected = JSValue.bytes(JSBytes([1, -1] as [Int32]))
        #expect(try read([0xFF, 13] + buffer + view) == expected)
        #expect(try read([0xFF, 14] + buffer + view + [0]) == expected)
        #expect(try read([0xFF, 15] + buffer + view + [0]) == expected)
        // A view that reaches past its buffer is malformed, not a crash.
        #expect(throws: V8ValueReader.Failure.self) {
            try read([0xFF, 15] + buffer + [UInt8(ascii: "V"), UInt8(ascii: "d"), 4, 8, 0])
        }
    }

    @Test func aBufferSharedByTwoViewsIsReadForEach() throws {
        // [new Uint8Array(b, 0, 1), new Uint8Array(b, 1, 1), b] with b = [7, 9]: the second view
        // and the buffer itself are references to object 1, the buffer.
        let bytes: [UInt8] = [
            0xFF, 0x0F, UInt8(ascii: "A"), 3,
            UInt8(ascii: "B"), 2, 7, 9, UInt8(ascii: "V"), UInt8(ascii: "B"), 0, 1, 0,
            UInt8(ascii: "^"), 1, UInt8(ascii: "V"), UInt8(ascii: "B"), 1, 1, 0,
            UInt8(ascii: "^"), 1,
            UInt8(ascii: "$"), 0, 3,
        ]
        #expect(
            try read(bytes) == [
                .bytes(JSBytes([7] as [UInt8])), .bytes(JSBytes([9] as [UInt8])),
                .bytes(JSBytes(.arrayBuffer, data: Data([7, 9]))!),
            ])
    }

    @Test func objectsInsideObjectsDoNotLendTheirKeysToTheirParents() throws {
        // Rows of one shape whose values are objects of another shape: {a: {c: 1, b: 2}, b: 3}
        // twice, then {x: {y: 1}, y: 2} twice. Each object must keep its own keys, whatever
        // shape the object read just before it had.
        func object(_ properties: [(String, [UInt8])]) -> [UInt8] {
            var bytes: [UInt8] = [UInt8(ascii: "o")]
            for (key, value) in properties {
                bytes += [UInt8(ascii: "\""), UInt8(key.utf8.count)] + Array(key.utf8) + value
            }
            return bytes + [UInt8(ascii: "{"), UInt8(properties.count)]
        }
        let int = { (n: UInt8) in [UInt8(ascii: "I"), n << 1] }
        let first = object([("a", object([("c", int(1)), ("b", int(2))])), ("b", int(3))])
        let second = object([("x", object([("y", int(1))])), ("y", int(2))])
        let bytes = [0xFF, 0x0F, UInt8(ascii: "A"), 4] + first + first + second + second + [UInt8(ascii: "$"), 0, 4]
        let one: JSValue = ["a": ["c": 1, "b": 2], "b": 3]
        let two: JSValue = ["x": ["y": 1], "y": 2]
        let value = try read(bytes)
        #expect(value == [one, one, two, two])
        #expect(value[1]?.objectValue?.keys == ["a", "b"])
        #expect(value[3]?.objectValue?.keys == ["x", "y"])
    }

    @Test func unsupportedKindsAreNamed() {
        // A SharedArrayBuffer (tag 'u' and its transfer id), inside an object.
        let error = #expect(throws: V8ValueReader.Failure.self) {
            try read([0xFF, 0x0F, UInt8(ascii: "o"), UInt8(ascii: "\""), 1, UInt8(ascii: "s"), UInt8(ascii: "u"), 0])
        }
        #expect(error == .unsupported("a SharedArrayBuffer", path: "$.s"))
    }
}
