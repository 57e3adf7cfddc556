import Foundation
import JSRunTestSupport
import Testing

@testable import JSRunConvert

/// Values that the writer must refuse with a clear error, never a trap (issue "Hostile bytes",
/// its writing half): lengths past what V8's format or V8 itself holds. A case that crashed
/// before its fix runs as an exit test, so that a regression fails one test, not the run.
///
/// The large values cost little memory: binary data of 4 GiB is lazily zeroed pages that are
/// never touched, and the longest arrays are never read at all (each is refused by its count,
/// and the child process exits without freeing it).
@Suite("Hostile values for the writer")
struct HostileWritesTests {

    /// Limits that only the stack bounds.
    static let unbounded = ConversionLimits(maxDepth: 10_000_000, maxBytes: .max)

    /// What `body` throws, if anything.
    static func failure(_ body: () throws -> Void) -> (any Error)? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    /// `count` uninitialised elements that nothing reads: for values refused by their count.
    static func unread<Element>(_ count: Int, of type: Element.Type) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    // MARK: - Lengths past the format's 32 bits, and past V8's own maxima

    /// 4 GiB of binary data trapped in `UInt32(count)` before `maxBytes` (`.max` for a runtime's
    /// own values) was checked. Now refused with the path, before a byte is copied.
    @Test func binaryDataOfFourGiBIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let before = peakResidentBytes()
                let data = Data(count: 4 << 30)
                for kind in [JSBytes.Kind.uint8Array, .arrayBuffer, .dataView] {
                    let value: JSValue = ["small", .bytes(JSBytes(kind, data: data)!)]
                    let error =
                        Self.failure { _ = try value.v8Serialized(limits: Self.unbounded) } as? V8SerializationError
                    try check(
                        error
                            == .invalid(
                                "is binary data of 4294967296 bytes, more than V8 holds (4294967295)", path: "$[1]"),
                        "\(kind): \(String(describing: error))")
                }
                try check(
                    Self.failure { _ = try V8ValueWriter.encode(.bytes(JSBytes(data))) } is V8SerializationError,
                    "the runtime's default limits")
                // Within the default limits, the size is refused first, as before.
                let limited =
                    Self.failure { _ = try JSValue.bytes(JSBytes(data)).v8Serialized() } as? V8SerializationError
                guard case .tooLarge(64 << 20, _) = limited else {
                    return try check(false, "\(String(describing: limited))")
                }
                let grown = peakResidentBytes() - before
                try check(grown < 256 << 20, "refusing it took \(grown >> 20) MiB")
            }
        }
    }

    /// A string longer than V8's longest (2^29 - 24 code units) would also pass 32 bits for a
    /// two-byte string; it is refused by its length, wherever a string is written. Its bytes
    /// are zero pages that are only read (a NUL is valid UTF-8), so it costs no memory.
    @Test func aStringLongerThanV8sLongestIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let before = peakResidentBytes()
                let length = V8Maxima.stringLength + 1
                let long = String(unsafeUninitializedCapacity: length) { _ in length }
                let reason = "is a string of 536870889 UTF-16 code units, more than V8 holds (536870888)"
                let cases: [(JSValue, String)] = [
                    (.string(long), "$"), (["key": .string(long)], "$.key"),
                    (.error(JSError(message: long)), "$"), (.regExp(JSRegExp(long)), "$"),
                ]
                for (value, path) in cases {
                    let error =
                        Self.failure { _ = try value.v8Serialized(limits: Self.unbounded) } as? V8SerializationError
                    try check(error == .invalid(reason, path: path), "\(path): \(String(describing: error))")
                }
                let key = Self.failure { _ = try JSValue.object([long: 1]).v8Serialized(limits: Self.unbounded) }
                try check(
                    key as? V8SerializationError == .invalid(reason, path: "$"), "a key: \(String(describing: key))")
                let grown = peakResidentBytes() - before
                try check(grown < 256 << 20, "refusing it took \(grown >> 20) MiB")
            }
        }
    }

    /// V8's deserializer reads no dense array longer than `FixedArray::kMaxLength`, and holds
    /// no Map or Set of more than 2^24 entries: refused before anything is written.
    @Test func collectionsLongerThanV8HoldsAreRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let array = JSValue.array(Self.unread(V8Maxima.arrayLength + 1, of: JSValue.self))
                let set = JSValue.set(Self.unread(V8Maxima.collectionCount + 1, of: JSValue.self))
                let map = JSValue.map(JSMap(entries: Self.unread(V8Maxima.collectionCount + 1, of: JSMap.Entry.self)))
                let cases: [(JSValue, String)] = [
                    (array, "is an array of 134217726 elements, more than V8 holds (134217725)"),
                    (set, "is a Set of 16777217 elements, more than V8 holds (16777216)"),
                    (map, "is a Map of 16777217 entries, more than V8 holds (16777216)"),
                ]
                for (value, reason) in cases {
                    let error = Self.failure { _ = try V8ValueWriter.encode(["x": value]) } as? V8SerializationError
                    try check(error == .invalid(reason, path: "$.x"), "\(String(describing: error))")
                }
                // Never freed: their elements were never made.
                Self.keep([array, set, map])
            }
        }
    }

    // MARK: - A BigInt longer than V8 allows

    /// V8 aborts the process when it deserializes a BigInt of more than 2^30 bits (2^24 words):
    /// refused in the writer, which says the limit; the byte length no longer traps either.
    @Test func aBigIntOfMoreThanTwoToTheThirtyBitsIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let count = V8Maxima.bigIntWords + 1
                let words = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
                    buffer[count - 1] = 1
                    initialized = count
                }
                let big = JSBigInt(isNegative: true, words: words)
                let error = Self.failure { _ = try V8ValueWriter.encode(["n": .bigInt(big)]) } as? V8SerializationError
                let reason = "is a BigInt of 1073741825 bits, more than V8 holds (1073741824 bits, 2^30)"
                try check(error == .invalid(reason, path: "$.n"), "\(String(describing: error))")
                try check(
                    error?.description == "the value at $.n \(reason)", "\(String(describing: error?.description))")
            }
        }
    }

    // MARK: - Helpers of the child processes

    /// Values kept until the child process exits, never freed.
    nonisolated(unsafe) static var kept: [Any] = []

    static func keep(_ values: [Any]) { kept += values }
}
