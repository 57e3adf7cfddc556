import Foundation
import JSRunTestSupport
import Testing

@testable import JSRunConvert

/// Values that the writer and the coders must refuse with a clear error, never a trap or a
/// stack overflow (issue "Hostile bytes", its writing half): lengths past what V8's format or
/// V8 itself holds, nesting deeper than the stack holds, and a cyclic `Encodable`. A case that
/// crashed before its fix runs as an exit test, so that a regression fails one test, not the run.
///
/// The large values cost little memory: binary data of 4 GiB is lazily zeroed pages that are
/// never touched, and the longest arrays are never read at all (each is refused by its count,
/// and the child process exits without freeing it). Deep values are kept until the child exits
/// too: freeing a value nested a million levels deep would itself recurse a million levels.
@Suite("Hostile values for the writer and the coders")
struct HostileWritesTests {
    /// `value` nested in `depth` arrays.
    static func nested(_ depth: Int, in value: JSValue = 0) -> JSValue {
        var value = value
        for _ in 0..<depth { value = [value] }
        return value
    }

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

    // MARK: - Deeper than the stack holds

    /// An array nested a million levels deep, with a `maxDepth` of ten million: the writer
    /// overflowed the stack; now it stops where the stack would leave less than
    /// `ConversionLimits.stackReserve`.
    @Test func aMillionLevelsAreRefusedWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let deep = Self.nested(1_000_000)
                Self.keep([deep])
                try Self.checkTooDeep(Self.failure { _ = try deep.v8Serialized(limits: Self.unbounded) }, "writing")
                try Self.checkTooDeep(
                    Self.failure { _ = try V8ValueWriter.encode(deep, limits: Self.unbounded) }, "the writer")
            }
        }
    }

    /// Bytes nesting arrays a million levels deep (`A 01` over and over): the reader's depth is
    /// bounded by the stack of the thread it reads on.
    @Test func aMillionLevelsAreNotReadPastTheStack() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try Self.checkTooDeep(
                    Self.failure { _ = try JSValue(v8Serialized: Self.deepBytes, limits: Self.unbounded) }, "reading")
            }
        }
    }

    /// A thread of 512 KiB (Darwin's default for a secondary thread, and for Swift's
    /// concurrency pool there): the same values are refused, shallower.
    @Test func aThreadOfHalfAMegabyteRefusesThemToo() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let deep = Self.nested(100_000)
                Self.keep([deep])
                let result = Self.onThreadOf512KiB {
                    let written = Self.failure { _ = try deep.v8Serialized(limits: Self.unbounded) }
                    let read = Self.failure { _ = try JSValue(v8Serialized: Self.deepBytes, limits: Self.unbounded) }
                    // What the default limits accept still fits.
                    // What the stack holds is read: 30 levels even in a debug build (which takes
                    // seven times the stack of a release build).
                    let fits = Self.failure { _ = try JSValue(v8Serialized: Self.nested(30).v8Serialized()) }
                    return (written, read, fits)
                }
                try Self.checkTooDeep(result.0, "writing", below: 1000)
                try Self.checkTooDeep(result.1, "reading", below: 1000)
                try check(result.2 == nil, "30 levels: \(String(describing: result.2))")
            }
        }
    }

    /// The main thread, whose stack grows as it is used, up to `ulimit -s`: Examples/ValueDump
    /// reads there (a test's own main thread is Swift Testing's, and parked). A file nesting a
    /// million levels is refused with a `maxDepth` of ten million; 500 levels are read.
    @Test func theMainThreadRefusesThemToo() throws {
        let executable = productBesideTests("JSRunValueDump")
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "\(executable.path)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("deep-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(Self.deepBytes).write(to: file)
        let refused = try runProcess(executable, ["--max-depth", "10000000", file.path], killedAfter: 60)
        #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused.status) \(refused.stderr.prefix(200))")
        let depth = refused.stderr.split(separator: " ").dropLast(2).last.flatMap { Int($0) }
        #expect(refused.stderr.hasPrefix("ValueDump: the value at $[0][0]"), "\(refused.stderr.prefix(200))")
        #expect(refused.stderr.hasSuffix("levels deep\n") && depth.map { $0 > 500 && $0 < 100_000 } == true)
        try Data(Self.nested(500).v8Serialized(limits: ConversionLimits(maxDepth: 500))).write(to: file)
        let read = try runProcess(executable, ["--max-depth", "1000", file.path], killedAfter: 60)
        #expect(read.status == 0 && read.stdout.hasPrefix("[ [ [") && read.stderr.isEmpty, "\(read.stderr)")
    }

    // MARK: - A cyclic Encodable, and the coders on deep values

    /// A list that holds itself: its encoding never ends.
    final class List: Encodable {
        var items: [List] = []
    }

    static func cyclicList() -> List {
        let list = List()
        list.items = [list]
        return list
    }

    /// `JSValueEncoder` overflowed the stack on a cyclic class; it honours `maxDepth` and names
    /// the container that is too deep.
    @Test func aCyclicEncodableIsRefusedAtTheDepthLimit() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let error = Self.failure { _ = try JSValueEncoder().encode(Self.cyclicList()) }
                guard case .invalidValue(_, let context) = error as? EncodingError else {
                    return try check(false, "not refused: \(String(describing: error))")
                }
                // A list and its array of items alternate: the 101st level, a list, is too deep.
                let path = "$" + String(repeating: ".items[0]", count: 50)
                try check(context.codingPath.count == 100, "a coding path of \(context.codingPath.count) keys")
                try check(
                    context.debugDescription
                        == "\(path): the value is nested more than 100 levels deep (maxDepth); a value that "
                        + "contains itself, such as an object one of whose properties holds it, never ends",
                    context.debugDescription)
                var shallow = JSValueEncoder()
                shallow.maxDepth = 3
                let early = Self.failure { _ = try shallow.encode(Self.cyclicList()) } as? EncodingError
                guard case .invalidValue(_, let context) = early else { return try check(false, "maxDepth 3") }
                try check(
                    context.debugDescription.hasPrefix("$.items[0].items: the value is nested more than 3"),
                    "\(context)")
            }
        }
    }

    /// With a `maxDepth` of ten million, the stack is the limit.
    @Test func aCyclicEncodableIsRefusedWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                var encoder = JSValueEncoder()
                encoder.maxDepth = 10_000_000
                for onSmallThread in [false, true] {
                    let error: String? =
                        onSmallThread
                        ? Self.onThreadOf512KiB { Self.encodingFailure(encoder, Self.cyclicList()) }
                        : Self.encodingFailure(encoder, Self.cyclicList())
                    try check(
                        error?.contains(": the value is nested deeper than the stack of this thread holds (") == true,
                        "\(onSmallThread ? "512 KiB" : "the test's thread"): \(String(describing: error?.suffix(200)))")
                }
            }
        }
    }

    /// A value that encodes itself in its own single value container, for ever: no container,
    /// no depth, only the stack.
    struct Wrapper: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(Wrapper())
        }
    }

    @Test func aValueThatEncodesItselfForEverIsRefusedWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let error = Self.encodingFailure(JSValueEncoder(), Wrapper())
                try check(
                    error?.hasPrefix("$: the value is nested deeper than the stack") == true,
                    "\(String(describing: error))")
            }
        }
    }

    static func encodingFailure(_ encoder: JSValueEncoder, _ value: some Encodable) -> String? {
        guard case .invalidValue(_, let context) = failure({ _ = try encoder.encode(value) }) as? EncodingError else {
            return nil
        }
        return context.debugDescription
    }

    @Test func theEncodersDepthIsTheWritersDepth() throws {
        var encoder = JSValueEncoder()
        encoder.maxDepth = 2
        #expect(try encoder.encode([["a"]]) == [["a"]])
        #expect(try encoder.encode(["k": ["a"]]) == ["k": ["a"]])
        let error = #expect(throws: EncodingError.self) { try encoder.encode([[["a"]]]) }
        guard case .invalidValue(_, let context) = error else { return }
        #expect(context.debugDescription.hasPrefix("$[0][0]: the value is nested more than 2 levels deep"))
        #expect(context.codingPath.count == 2)
        // The writer refuses the same value at the same place.
        let written = #expect(throws: V8SerializationError.self) {
            try V8ValueWriter.encode([[["a"]]], limits: ConversionLimits(maxDepth: 2))
        }
        #expect(written == .tooDeep(limit: 2, path: "$[0][0]"))
    }

    /// Each nested encoder held its parent, and each parent its nested encoders: every
    /// encoding of a nested value was kept for ever.
    @Test func anEncodingIsFreedWhenItEnds() throws {
        final class Witness: Encodable {
            nonisolated(unsafe) static weak var encoder: AnyObject?
            func encode(to encoder: any Encoder) throws {
                Self.encoder = encoder as AnyObject
                var container = encoder.unkeyedContainer()
                try container.encode(1)
            }
        }
        struct Holder: Encodable { var inner = [Witness()] }
        _ = try JSValueEncoder().encode(Holder())
        #expect(Witness.encoder == nil)
    }

    /// A level of a recursive `Decodable` type: an array of levels.
    struct Level: Decodable {
        var inner: [Level]

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            inner = []
            while !container.isAtEnd { inner.append(try container.decode(Level.self)) }
        }
    }

    /// A recursive `Decodable` type decoding a value a million levels deep.
    @Test func theDecoderStopsWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let deep = Self.nested(1_000_000, in: [])
                Self.keep([deep])
                let error = Self.failure { _ = try JSValueDecoder().decode(Level.self, from: deep) }
                guard case .dataCorrupted(let context) = error as? DecodingError else {
                    return try check(false, "not refused: \(String(describing: error))")
                }
                try check(
                    context.debugDescription.hasPrefix("$[0][0]")
                        && context.debugDescription.hasSuffix("levels)")
                        && context.debugDescription.contains(
                            ": the value is nested deeper than the stack of this thread holds ("),
                    "\(context.debugDescription.suffix(200))")
                try check(
                    try JSValueDecoder().decode(Level.self, from: Self.nested(50, in: [])).inner.count == 1, "50 levels"
                )
            }
        }
    }

    /// `JSValue`'s own `Codable` conformance, with any other coder: each level is a level of
    /// the stack.
    @Test func otherCodersStopWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let deep = Self.nested(1_000_000)
                Self.keep([deep])
                let error = Self.failure { _ = try JSONEncoder().encode(deep) }
                guard case .invalidValue(_, let context) = error as? EncodingError else {
                    return try check(false, "not refused: \(String(describing: error))")
                }
                try check(
                    context.debugDescription.hasSuffix("is nested deeper than the stack of this thread holds"),
                    context.debugDescription)
                let json = try JSONEncoder().encode(Self.nested(50))
                try check(try JSONDecoder().decode(JSValue.self, from: json) == Self.nested(50), "50 levels")
            }
        }
    }

    /// `A 01` (a dense array of one element) a million times, a zero, and the ends.
    static let deepBytes: [UInt8] = {
        let depth = 1_000_000
        var bytes: [UInt8] = [0xFF, 0x0F]
        bytes.reserveCapacity(2 + depth * 5 + 2)
        for _ in 0..<depth { bytes += [UInt8(ascii: "A"), 1] }
        bytes += [UInt8(ascii: "I"), 0]
        for _ in 0..<depth { bytes += [UInt8(ascii: "$"), 0, 1] }
        return bytes
    }()

    /// `error` is `tooDeep` at a depth the stack held: more than a few levels, fewer than asked.
    static func checkTooDeep(_ error: (any Error)?, _ what: String, below: Int = 100_000) throws {
        guard case .tooDeep(let limit, let path) = error as? V8SerializationError else {
            return try check(false, "\(what): not refused as too deep: \(String(describing: error))")
        }
        try check(limit > 50 && limit < below, "\(what): refused at \(limit) levels")
        try check(
            path == "$" + String(repeating: "[0]", count: limit), "\(what): the path has \(path.count) characters")
    }

    // MARK: - Helpers of the child processes

    /// Values kept until the child process exits, never freed.
    nonisolated(unsafe) static var kept: [Any] = []

    static func keep(_ values: [Any]) { kept += values }

    /// Runs `body` on a new thread with a stack of 512 KiB, and waits for it.
    static func onThreadOf512KiB<T>(_ body: @escaping () -> T) -> T {
        nonisolated(unsafe) var result: T?
        nonisolated(unsafe) let work = body
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result = work()
            done.signal()
        }
        thread.stackSize = 512 << 10
        thread.start()
        done.wait()
        return result!
    }
}

/// What one level of the writer and of the reader takes of the stack, for each kind of
/// container, against what they assume (`stackBytesPerLevel`) when they bound their depth by
/// the stack: in the build that runs the tests (debug, or with AddressSanitizer).
@Suite struct ConversionLimitsStackTests {
    static let levels = 64

    /// `leaf` inside `levels` containers of `kind`.
    static func nest(_ leaf: JSValue, in kind: String, _ levels: Int) -> JSValue {
        var value = leaf
        for _ in 0..<levels {
            value =
                switch kind {
                case "array": [value]
                case "object": ["a": value]
                case "map": .map(JSMap([(.number(1), value)]))
                case "set": .set([value])
                default: .error(JSError(message: "m", cause: value))
                }
        }
        return value
    }

    @Test(arguments: ["array", "object", "map", "set", "error"])
    func oneLevelTakesLessStackThanAssumed(_ kind: String) throws {
        let leaf = JSValue.function(WriterFixtures.testFunction("leaf"))
        let bounds = try #require(ThreadStack.bounds)
        var written: [UInt] = []
        var read: [UInt] = []
        for levels in [1, 1 + Self.levels] {
            var position: UInt = 0
            let bytes = try V8ValueWriter.encode(Self.nest(leaf, in: kind, levels)) {
                (_) throws(V8SerializationError) in
                position = ThreadStack.position(within: bounds)
                return 1
            }
            written.append(position)
            _ = try bytes.withUnsafeBytes {
                try V8ValueReader.decode($0) { _ in
                    position = ThreadStack.position(within: bounds)
                    return .null
                }
            }
            read.append(position)
        }
        let writer = Int(written[0] - written[1]) / Self.levels
        let reader = Int(read[0] - read[1]) / Self.levels
        #expect(writer > 0 && writer <= V8ValueWriter.stackBytesPerLevel, "the writer takes \(writer) bytes a level")
        #expect(reader > 0 && reader <= V8ValueReader.stackBytesPerLevel, "the reader takes \(reader) bytes a level")
    }

    @Test func theStackOfTheCallingThreadIsKnown() throws {
        let bounds = try #require(ThreadStack.bounds)
        let here = ThreadStack.position(within: bounds)
        #expect(here > bounds.low && here < bounds.high)
        #expect(ThreadStack.room() > ConversionLimits.stackReserve)
        // A thread of 512 KiB: about that much.
        let room = HostileWritesTests.onThreadOf512KiB { ThreadStack.room() }
        #expect(room > 400 << 10 && room <= 512 << 10, "\(room) bytes")
    }

    @Test func theDepthIsTheLimitsOrWhatTheStackHolds() {
        #expect(ConversionLimits(maxDepth: 7).depthOnThisThread(bytesPerLevel: 1000) == 7)
        let room = ThreadStack.room()
        let deepest = ConversionLimits(maxDepth: .max).depthOnThisThread(bytesPerLevel: 1000)
        #expect(abs(deepest - (room - ConversionLimits.stackReserve) / 1000) <= 1)
    }
}
