import Foundation
import JSRunTestSupport
import Testing

@testable import JSRunConvert

/// Crafted bytes fed to `JSValue(v8Serialized:)` (issue "Hostile bytes"): each is refused with a
/// clear `V8SerializationError`, or read as V8's own deserializer reads it, and the process
/// lives on. A case that overflowed the stack before its fix runs as an exit test, so that a
/// regression fails one test instead of the run.
@Suite("Hostile bytes for the reader")
struct HostileBytesTests {
    static let header: [UInt8] = [0xFF, 0x0F]
    /// A one-byte string, "x".
    static let x: [UInt8] = [UInt8(ascii: "\""), 1, UInt8(ascii: "x")]

    /// Reads `bytes` and returns the error it gives, if any.
    static func failure(_ bytes: [UInt8], limits: ConversionLimits = .default) -> V8SerializationError? {
        do {
            _ = try JSValue(v8Serialized: bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Places where only a string may be

    /// A RegExp whose pattern is a RegExp, 50,000 times: each pattern was read as any value, so
    /// the nesting passed no container and no depth guard, and overflowed the stack.
    @Test func aRegExpWhosePatternIsARegExpIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let bytes = Self.header + [UInt8](repeating: UInt8(ascii: "R"), count: 50_000) + Self.x + [0]
                let error = Self.failure(bytes)
                try check(
                    error?.description.contains("should be a string is not one (tag 0x52)") == true,
                    "\(String(describing: error))")
            }
        }
    }

    @Test func aBoxedStringOfABoxedStringIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let bytes = Self.header + [UInt8](repeating: UInt8(ascii: "s"), count: 50_000) + Self.x
                guard case .malformed = Self.failure(bytes) else { return try check(false, "not refused") }
            }
        }
    }

    /// An error's message field (`m`) whose value is an error with a message field, and so on.
    @Test func anErrorWhoseMessageIsAnErrorIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let field: [UInt8] = [UInt8(ascii: "r"), UInt8(ascii: "m")]
                let bytes = Self.header + Array([[UInt8]](repeating: field, count: 25_000).joined()) + Self.x
                guard case .malformed = Self.failure(bytes) else { return try check(false, "not refused") }
            }
        }
    }

    /// Keys: an object's first key a RegExp of RegExps; and an object whose key is an object
    /// whose key is an object, which passes the depth guard and is refused by it.
    @Test func keysThatNestAreRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let regExps = Self.header + [UInt8(ascii: "o")] + [UInt8](repeating: UInt8(ascii: "R"), count: 50_000)
                guard case .malformed = Self.failure(regExps + Self.x) else {
                    return try check(false, "a RegExp key was not refused")
                }
                let objects = Self.header + [UInt8](repeating: UInt8(ascii: "o"), count: 50_000)
                let error = Self.failure(objects)
                guard case .tooDeep(limit: 100, _) = error else {
                    return try check(false, "nested keys: \(String(describing: error))")
                }
            }
        }
    }

    @Test func aStringMayStillFollowPadding() throws {
        // V8 skips padding before a string's tag, as before any value: `new String("x")`.
        let bytes = Self.header + [UInt8(ascii: "s"), 0, 0] + Self.x
        #expect(try JSValue(v8Serialized: bytes) == "x")
    }

    // MARK: - Resizable ArrayBuffers

    /// `FF 0F 7E 08 80 80 80 80 80 80 80 01`: 8 bytes announced, then a ten-byte maximum length.
    /// The 8 bytes were checked against the data before the maximum was read, so they were read
    /// past the end: the bytes after the input in memory.
    /// (A bounds check of a debug build stopped the process there.)
    @Test func aResizableBufferIsCheckedAgainstTheDataAfterItsMaximumLength() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let input: [UInt8] = [0xFF, 0x0F, 0x7E, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]
                // The input is the start of a larger array, so the bytes after it are there to be read.
                let memory = input + [UInt8](repeating: 0xAB, count: 16)
                let error = Result { try JSValue(v8Serialized: memory[..<input.count]) }
                guard case .failure(let error) = error else { return try check(false, "read: \(error)") }
                try check(
                    "\(error)".contains("a length of 8 runs past the end of the data"), "\(error)")
            }
        }
    }

    @Test func aResizableBufferLongerThanItsMaximumIsRefused() throws {
        // 16 bytes, at most 8: V8 refuses it too.
        let bytes: [UInt8] = Self.header + [0x7E, 16, 8] + [UInt8](repeating: 1, count: 16)
        let error = #expect(throws: V8SerializationError.self) { try JSValue(v8Serialized: bytes) }
        #expect(error?.description.contains("16 bytes is longer than its maximum, 8") == true)
    }

    @Test func aResizableBufferWithinItsMaximumIsRead() throws {
        let bytes: [UInt8] = Self.header + [0x7E, 4, 16, 1, 2, 3, 4]
        #expect(try JSValue(v8Serialized: bytes).bytesValue?.data == Data([1, 2, 3, 4]))
    }

    // MARK: - Repeated keys

    /// `{ a: 1, a: 2 }` cannot be made in JavaScript, and V8's deserializer refuses data that
    /// holds it ("Unable to deserialize cloned data" from V8 10.2, the one JSRun runs). It broke
    /// the object's storage: a precondition failure in a debug build, two keys "a" in release.
    @Test func anObjectWithAKeyTwiceIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let bytes: [UInt8] = [
                    0xFF, 0x0F, 0x6F, 0x22, 0x01, 0x61, 0x49, 0x02, 0x22, 0x01, 0x61, 0x49, 0x04, 0x7B, 0x02,
                ]
                let error = Self.failure(bytes)
                try check(error == .malformed("an object has the key \"a\" twice"), "\(String(describing: error))")
            }
        }
    }

    /// An object of `keys`, each with the value 1 (a one-byte string key, or an int32 one for
    /// a number).
    static func object(_ keys: [JSValue]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "o")]
        for key in keys {
            switch key {
            case .string(let text): bytes += [UInt8(ascii: "\""), UInt8(text.utf8.count)] + Array(text.utf8)
            case .number(let number): bytes += [UInt8(ascii: "I"), UInt8(Int(number) << 1)]
            default: fatalError("a key is a string or a number")
            }
            bytes += [UInt8(ascii: "I"), 2]
        }
        return bytes + [UInt8(ascii: "{"), UInt8(keys.count)]
    }

    @Test func aKeyTwiceIsFoundAmongManyKeysAndAcrossItsForms() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let many: [JSValue] = (0..<20).map { .string("k\($0)") } + ["k7"]
                let error = Self.failure(Self.header + Self.object(many))
                try check(error == .malformed("an object has the key \"k7\" twice"), "\(String(describing: error))")
                // The key 1 written as a number and as a string is one key.
                let forms = Self.failure(Self.header + Self.object([1, "1"]))
                try check(forms == .malformed("an object has the key \"1\" twice"), "\(String(describing: forms))")
            }
        }
    }

    /// The reader takes the keys of an object from the object before it while they match: a
    /// key repeated after those is still found.
    @Test func aKeyTwiceIsFoundAfterTheKeysOfTheObjectBefore() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let bytes =
                    Self.header + [UInt8(ascii: "A"), 2] + Self.object(["a", "b"])
                    + Self.object(["a", "b", "a"]) + [UInt8(ascii: "$"), 0, 2]
                let error = Self.failure(bytes)
                try check(error == .malformed("an object has the key \"a\" twice"), "\(String(describing: error))")
            }
        }
    }

    @Test func objectsOfOneShapeAndOfAPrefixOfItAreRead() throws {
        let rows =
            Self.header + [UInt8(ascii: "A"), 3] + Self.object(["a", "b"]) + Self.object(["a", "b"])
            + Self.object(["a"]) + [UInt8(ascii: "$"), 0, 3]
        #expect(try JSValue(v8Serialized: rows) == [["a": 1, "b": 1], ["a": 1, "b": 1], ["a": 1]])
    }

    // MARK: - The storage of sparse arrays

    /// A sparse array of 100,000 elements whose one element is at index 60,000: its storage grew
    /// to hold the holes before the element, then doubled for the element, holding the old and
    /// the new storage at once, and kept room for 120,000 (at the default limit, 2.7 million
    /// elements held 100 MB at once for 20 bytes of input; the fuzzer found it at 1 MiB). Now
    /// the storage is allocated once, at the array's length.
    @Test func aSparseArrayIsAllocatedOnceAtItsLength() throws {
        let length: UInt32 = 100_000
        let bytes: [UInt8] =
            Self.header + [UInt8(ascii: "a")] + MemoryBoundsTests.varint(length)
            + [UInt8(ascii: "I")] + MemoryBoundsTests.varint(60_000 << 1) + [UInt8(ascii: "I"), 2]
            + [UInt8(ascii: "@"), 1] + MemoryBoundsTests.varint(length)
        let elements = try #require(try JSValue(v8Serialized: bytes).arrayValue)
        #expect(elements.count == Int(length) && elements[60_000] == 1 && elements[59_999] == .undefined)
        // Room rounded up to what the allocator gives, not twice the holes before the element.
        #expect(elements.capacity < Int(length) + 1_000)
    }

    /// An array whose rest cannot fit in the limit, holes or elements that the data could still
    /// hold, is refused at its first hole, before its storage is made.
    @Test func aSparseArrayThatCannotFitIsRefusedAtItsFirstHole() {
        let length: UInt32 = 1_000_000
        let bytes: [UInt8] =
            Self.header + [UInt8(ascii: "a")] + MemoryBoundsTests.varint(length)
            + [UInt8(ascii: "I"), 2, UInt8(ascii: "I"), 2] + [UInt8(ascii: "@"), 1] + MemoryBoundsTests.varint(length)
        // 999,999 holes after the first element, 24 bytes each, and the data.
        let expected = V8SerializationError.tooLarge(
            limit: 1 << 20, size: (1 + 999_998) * V8ValueReader.holeBytes + bytes.count)
        #expect(throws: expected) { try JSValue(v8Serialized: bytes, limits: ConversionLimits(maxBytes: 1 << 20)) }
    }
}
