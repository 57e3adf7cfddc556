import Foundation
import JSRunTestSupport
import Testing

@testable import JSRunConvert

/// Host memory is bounded by the limits (issue "Hostile code", part 5), for crafted bytes fed to
/// `JSValue(v8Serialized:)` and for values written: what a few hundred bytes of input can make
/// Swift allocate. A case that took gigabytes before its fix runs in a child process of its own
/// (an exit test) that checks its peak memory, so a regression fails one test instead of the run.
@Suite("Memory bounds of conversions")
struct MemoryBoundsTests {
    // MARK: - Holes of sparse arrays

    /// `count` sparse arrays of `length`, each holding one element, 1, at its last index (what
    /// V8 writes for `a = []; a[length - 1] = 1`), in a dense array.
    static func sparseArrays(_ count: Int, length: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0x0F, UInt8(ascii: "A")] + varint(UInt32(count))
        for _ in 0..<count {
            bytes += [UInt8(ascii: "a")] + varint(length)
            bytes += [UInt8(ascii: "I")] + varint((length - 1) << 1) + [UInt8(ascii: "I"), 2]
            bytes += [UInt8(ascii: "@")] + varint(1) + varint(length)
        }
        return bytes + [UInt8(ascii: "$"), 0] + varint(UInt32(count))
    }

    static func varint(_ value: UInt32) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// 40 arrays of 2,700,000 holes in under a kilobyte: 2.5 GiB of `JSValue`s when each array
    /// was checked on its own. The holes of the whole value count toward `maxBytes` (24 bytes
    /// each), so the value is refused when its second array would pass 64 MiB.
    @Test func fortySparseArraysOfCraftedBytesAreRefusedBeforeTheirHolesAreMade() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let bytes = Self.sparseArrays(40, length: 2_700_000)
                try check(bytes.count < 1000, "the input takes \(bytes.count) bytes")
                let before = peakResidentBytes()
                let error = Result { try JSValue(v8Serialized: bytes) }.failureError as? V8SerializationError
                guard case .tooLarge(let limit, let size) = error else {
                    return try check(false, "not refused for its size: \(String(describing: error))")
                }
                try check(limit == 64 << 20 && size > limit, "refused with limit \(limit), size \(size)")
                try check(
                    error?.description.contains("more than the limit of 67108864 bytes") == true, "\(error!)")
                let grown = peakResidentBytes() - before
                // 2.5 GiB before; the bound leaves room for AddressSanitizer's own allocations.
                try check(grown < 1 << 30, "reading it took \(grown >> 20) MiB more at its peak")
            }
        }
    }

    @Test func theHolesOfAllArraysOfAValueCountTogether() throws {
        // 299 holes take 7,176 bytes: one array fits in 10,000 bytes, two do not.
        let limits = ConversionLimits(maxBytes: 10_000)
        let one = try JSValue(v8Serialized: Self.sparseArrays(1, length: 300), limits: limits)
        #expect(one[0]?.arrayValue?.count == 300 && one[0]?[299] == 1 && one[0]?[0] == .undefined)
        let two = #expect(throws: V8SerializationError.self) {
            try JSValue(v8Serialized: Self.sparseArrays(2, length: 300), limits: limits)
        }
        guard case .tooLarge(10_000, let size) = two else {
            Issue.record("not refused for its size: \(String(describing: two))")
            return
        }
        // Both arrays' holes, and the data.
        #expect(size == 2 * 299 * V8ValueReader.holeBytes + Self.sparseArrays(2, length: 300).count)
    }

    /// V8 writes `new Array(n).fill(0)` in the sparse format (its elements are "holey": V8 picks
    /// the format by elements kind, and filling an array does not make it packed again), with
    /// every index there. That is no hole at all, whatever its length.
    @Test func aSparseArrayWithEveryElementIsNotRefused() throws {
        let length: UInt32 = 3000
        var bytes: [UInt8] = [0xFF, 0x0F, UInt8(ascii: "a")] + Self.varint(length)
        for index in 0..<length { bytes += [UInt8(ascii: "I")] + Self.varint(index << 1) + [UInt8(ascii: "I"), 0] }
        bytes += [UInt8(ascii: "@")] + Self.varint(length) + Self.varint(length)
        // A limit of the data's own size leaves no room for a single hole.
        let value = try JSValue(v8Serialized: bytes, limits: ConversionLimits(maxBytes: bytes.count))
        #expect(value.arrayValue == Array(repeating: 0, count: Int(length)))
    }

    @Test func holesBetweenAndAfterElementsAreUndefined() throws {
        // [, 'a', , , 'b', , ] (length 7), as V8 writes it.
        let bytes: [UInt8] = [
            0xFF, 0x0F, UInt8(ascii: "a"), 7,
            UInt8(ascii: "I"), 2, UInt8(ascii: "\""), 1, UInt8(ascii: "a"),
            UInt8(ascii: "I"), 8, UInt8(ascii: "\""), 1, UInt8(ascii: "b"),
            UInt8(ascii: "@"), 2, 7,
        ]
        #expect(
            try JSValue(v8Serialized: bytes) == [.undefined, "a", .undefined, .undefined, "b", .undefined, .undefined])
        // Five holes (120 bytes) and the data do not fit in 100 bytes.
        #expect(throws: V8SerializationError.tooLarge(limit: 100, size: 5 * V8ValueReader.holeBytes + bytes.count)) {
            try JSValue(v8Serialized: bytes, limits: ConversionLimits(maxBytes: 100))
        }
    }

    // MARK: - Views of one buffer

    /// `count` `Uint8Array`s of `length` bytes at offsets 0, 1, 2... of one buffer of `size`
    /// bytes (b[i] = i % 251), in a dense array, as V8 writes them: the buffer once, then each
    /// further view as a reference to it.
    static func views(_ count: Int, of size: Int, length: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0x0F, UInt8(ascii: "A")] + varint(UInt32(count))
        bytes += [UInt8(ascii: "B")] + varint(UInt32(size))
        bytes += (0..<size).lazy.map { UInt8($0 % 251) }
        for index in 0..<count {
            // Object 0 is the array, 1 the buffer.
            if index > 0 { bytes += [UInt8(ascii: "^"), 1] }
            bytes += [UInt8(ascii: "V"), UInt8(ascii: "B")] + varint(UInt32(index)) + varint(UInt32(length)) + [0]
        }
        return bytes + [UInt8(ascii: "$"), 0] + varint(UInt32(count))
    }

    @Test func viewsOfOneBufferShareItsBytes() throws {
        let value = try JSValue(v8Serialized: Self.views(10, of: 1000, length: 500))
        let views = value.arrayValue?.compactMap(\.bytesValue) ?? []
        #expect(views.count == 10)
        for (index, view) in views.enumerated() {
            #expect(view.kind == .uint8Array)
            #expect(view.data == Data((index..<index + 500).map { UInt8($0 % 251) }))
            #expect(view.data.startIndex == 0)
        }
        // The first view copied its own bytes; every later one points into one copy of the buffer.
        let addresses = views.map { $0.data.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } }
        for index in 2..<10 { #expect(addresses[index] == addresses[1] + index - 1) }
    }

    /// A hundred 15 MiB views of one 16 MiB buffer: 1.5 GB when each view copied its bytes.
    @Test func aHundredLargeViewsOfOneBufferHoldItOnce() async {
        await #expect(processExitsWith: .success) {
            // Making 16 MiB of input byte by byte is slow in a debug or sanitized build.
            await inChildProcess(within: 180) {
                let bytes = Self.views(100, of: 16 << 20, length: 15 << 20)
                let before = peakResidentBytes()
                let value = try JSValue(v8Serialized: bytes)
                let views = value.arrayValue?.compactMap(\.bytesValue) ?? []
                try check(views.count == 100 && views.allSatisfy { $0.data.count == 15 << 20 }, "not 100 views")
                try check(views[99].data.first == 99 && views[0].data.last == UInt8(((15 << 20) - 1) % 251), "bytes")
                let grown = peakResidentBytes() - before
                // 1.5 GB before; room for AddressSanitizer's own allocations.
                try check(grown < 512 << 20, "reading them took \(grown >> 20) MiB more at its peak")
            }
        }
    }

    // MARK: - Writing

    /// One 16 MiB string held a hundred times takes 16 MiB in Swift but 1.6 GB in V8's format:
    /// refused before it is written whole, with the error the limit gives.
    @Test func aStringHeldManyTimesIsRefusedBeforeItIsWrittenWhole() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let string = JSValue.string(String(repeating: "x", count: 16 << 20))
                let bytes = JSValue.bytes(JSBytes(Data(count: 16 << 20)))
                let before = peakResidentBytes()
                for value in [
                    JSValue.array(Array(repeating: string, count: 100)), .array(Array(repeating: bytes, count: 100)),
                ] {
                    let error = Result { try value.v8Serialized() }.failureError as? V8SerializationError
                    guard case .tooLarge(64 << 20, let size) = error else {
                        return try check(false, "not refused for its size: \(String(describing: error))")
                    }
                    try check(size > 64 << 20 && size < 100 << 20, "refused at \(size) bytes")
                }
                let grown = peakResidentBytes() - before
                try check(grown < 512 << 20, "writing them took \(grown >> 20) MiB more at its peak")
            }
        }
    }

    @Test func aValueJustWithinTheLimitIsWritten() throws {
        let value = JSValue.array([.string(String(repeating: "y", count: 1000)), .bytes(JSBytes(Data(count: 1000)))])
        let size = try value.v8Serialized().count
        #expect(try value.v8Serialized(limits: ConversionLimits(maxBytes: size)).count == size)
        #expect(throws: V8SerializationError.self) {
            try value.v8Serialized(limits: ConversionLimits(maxBytes: size - 1))
        }
    }
}

extension Result {
    fileprivate var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
