import Testing

@testable import Convert

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

    @Test func unsupportedKindsAreNamed() {
        // A SharedArrayBuffer (tag 'u' and its transfer id), inside an object.
        let error = #expect(throws: V8ValueReader.Failure.self) {
            try read([0xFF, 0x0F, UInt8(ascii: "o"), UInt8(ascii: "\""), 1, UInt8(ascii: "s"), UInt8(ascii: "u"), 0])
        }
        #expect(error == .unsupported("a SharedArrayBuffer", path: "$.s"))
    }
}
