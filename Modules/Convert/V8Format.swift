#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How large a value may be when it crosses between JavaScript and Swift, in either direction.
///
/// A value past a limit is refused as a whole, with an error that says which limit and where:
/// nothing partial is delivered.
public struct ConversionLimits: Sendable, Hashable {
    /// The deepest nesting of containers (arrays, objects, maps, sets, errors) accepted: `[]` is
    /// 1 deep, `[[1]]` 2. The default, 100, is the reference library's.
    ///
    /// Nesting is also bounded by the stack, whatever `maxDepth` says. Reading, writing,
    /// ``JSValueEncoder`` and ``JSValueDecoder`` each go one level deeper on the stack of the
    /// thread they run on for each level of the value, and each refuses a value that would
    /// leave less than ``stackReserve`` of that stack, as too deep
    /// (``V8SerializationError/tooDeep(limit:path:)``, whose `limit` is then the depth the stack
    /// held; an `EncodingError` or a `DecodingError` from the coders). So a large `maxDepth`
    /// is safe on any thread, and deep values go as deep as the stack allows. In a release
    /// build, a runtime's thread (4 MiB of stack) writes about 6,300 levels and reads about
    /// 3,900, or 4,700 and 2,900 for a host function that JavaScript calls at the bottom of its
    /// own stack; a thread of 512 KiB about 600 and 370; a main thread of 8 MiB about 12,900 and
    /// 8,000. A debug build holds about a seventh as many (and fewer than the default 100 levels
    /// read on a thread of 512 KiB).
    public var maxDepth: Int
    /// The largest value accepted, measured as its size in V8's serialization format (roughly
    /// the bytes of its strings and binary data plus a few per value). The default is 64 MiB.
    ///
    /// The holes of a value's sparse arrays, which the format does not hold, count too: 24
    /// bytes each (the `JSValue` each becomes), all arrays of the value together. So
    /// `a[2_699_999] = 1` is refused, and `new Array(3e6).fill(0)`, which V8 writes in the
    /// sparse format with every element, is not. Binary data that the format holds once (one
    /// `ArrayBuffer` under many views) counts once, and is held once in Swift: the views share
    /// its bytes. A value past the limit is refused before it is written whole: a runtime's
    /// 2 GiB `Uint8Array` costs nothing, and neither does a Swift string held a thousand times.
    public var maxBytes: Int

    /// Limits of `maxDepth` levels and `maxBytes` bytes, by default those of ``default``. Both
    /// must be at least 1: a runtime configured with less is refused when it is created.
    public init(maxDepth: Int = 100, maxBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// The default limits.
    public static let `default` = ConversionLimits()

    /// A description of what is wrong with these limits, or `nil` when they are usable.
    public var problem: String? {
        if maxDepth < 1 { return "maxDepth must be at least 1, not \(maxDepth)" }
        if maxBytes < 1 { return "maxBytes must be at least 1, not \(maxBytes)" }
        return nil
    }

    /// The stack that every conversion leaves free on the thread it runs on, 128 KiB: a value
    /// that would take the reader, the writer or a coder closer to the end of the stack is
    /// refused as too deep (see ``maxDepth``). It is room for the work done at the deepest
    /// level (a `Codable` type's own code, a function handle given its id) and for the caller.
    public static let stackReserve = 128 << 10

    /// ``maxDepth``, or the levels that the calling thread's stack holds from here if fewer, at
    /// `bytesPerLevel` bytes each (the most one level of a recursion takes), after
    /// ``stackReserve``.
    package func depthOnThisThread(bytesPerLevel: Int) -> Int {
        min(maxDepth, Self.levelsOnThisThread(bytesPerLevel: bytesPerLevel))
    }

    /// The levels of `bytesPerLevel` bytes that the calling thread's stack holds from here,
    /// after ``stackReserve``; `Int.max` when the platform does not say where the stack ends.
    package static func levelsOnThisThread(bytesPerLevel: Int) -> Int {
        let room = ThreadStack.room()
        guard room != .max else { return .max }
        return max(0, room - stackReserve) / bytesPerLevel
    }

    /// These limits for the reader, started on the calling thread from here: ``maxDepth`` no
    /// deeper than the stack holds.
    package var forReadingOnThisThread: ConversionLimits {
        var limits = self
        limits.maxDepth = depthOnThisThread(bytesPerLevel: V8ValueReader.stackBytesPerLevel)
        return limits
    }
}

extension V8ValueReader {
    /// The most stack one level of the reader takes, with a margin: an error's with a cause in
    /// a release build (measured at 0.75 KiB), an object's in a debug build (5.7 KiB) and under
    /// AddressSanitizer (8.9 KiB). `ConversionLimitsStackTests` measures it. The reader's
    /// callers bound its depth with it (``ConversionLimits/forReadingOnThisThread``).
    package static var stackBytesPerLevel: Int {
        ThreadStack.isAddressSanitized ? 12 << 10 : _isDebugAssertConfiguration() ? 7 << 10 : 1 << 10
    }
}

/// What V8 10.2 can hold, where the format or V8 itself has a maximum. The writer refuses a
/// value past one (``V8SerializationError/invalid(_:path:)``) before V8 sees it.
enum V8Maxima {
    /// The longest string, in UTF-16 code units: `v8::String::kMaxLength` on a 64-bit machine.
    static let stringLength = (1 << 29) - 24
    /// The most bytes of binary data: the format writes lengths in 32 bits.
    static let byteLength = Int(UInt32.max)
    /// The most properties of an object: the format counts them in 32 bits.
    static let propertyCount = Int(UInt32.max)
    /// The longest dense array V8's deserializer reads (`FixedArray::kMaxLength`, the same with
    /// pointer compression or without).
    static let arrayLength = 134_217_725
    /// The most entries of a Map, or elements of a Set: V8 throws "Map maximum size exceeded"
    /// when one more is added.
    static let collectionCount = 1 << 24
    /// The longest BigInt, in 64-bit words (`BigInt::kMaxLength`, 2^30 bits). V8 aborts the
    /// process when its deserializer is asked for a longer one.
    static let bigIntWords = 1 << 24
}

/// Why a value could not be read from, or written in, V8's serialization format.
public enum V8SerializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not V8's serialization format, or are cut short.
    case malformed(String)
    /// A well-formed value of a kind that `JSValue` does not represent, at `path`.
    case unsupported(String, path: String)
    /// The object at `path` refers back to one that contains it (a cycle).
    case cycle(path: String)
    /// The value at `path` is nested deeper than `limit` containers.
    case tooDeep(limit: Int, path: String)
    /// The value takes `size` bytes in V8's format (with its holes, see
    /// ``ConversionLimits/maxBytes``), more than `limit`. A value refused before it was written or
    /// read whole takes at least `size`: what it took when it was refused.
    case tooLarge(limit: Int, size: Int)
    /// A function that cannot be passed: there is no runtime to pass it to, or the runtime
    /// refused it. `reason` completes the sentence "a function at `path` ...".
    case function(reason: String, path: String)
    /// A Swift value that JavaScript cannot hold: a regular expression with an unknown flag, or
    /// a value longer than V8 allows, which the writer refuses before V8 sees it (a string of
    /// more than 2^29 - 24 UTF-16 code units, binary data of 4 GiB or more, an array of more
    /// than 134,217,725 elements, a Map or a Set of more than 2^24 entries, a BigInt of more than
    /// 2^30 bits). `reason` completes the sentence "the value at `path` ...".
    case invalid(String, path: String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed V8 serialization data: \(reason)"
        case .unsupported(let kind, let path): "\(kind) at \(path) has no JSValue representation"
        case .cycle(let path): "the object at \(path) refers back to an object that contains it (a cycle)"
        case .tooDeep(let limit, let path): "the value at \(path) is nested more than \(limit) levels deep"
        case .tooLarge(let limit, let size):
            "the value takes \(size) bytes, more than the limit of \(limit) bytes (ConversionLimits.maxBytes)"
        case .function(let reason, let path): "a function at \(path) \(reason)"
        case .invalid(let reason, let path): "the value at \(path) \(reason)"
        }
    }
}

extension JSValue {
    /// Reads a value written in V8's serialization format: what `v8::ValueSerializer` and
    /// Node's `v8.serialize()` write, versions 13 to 15, Node's typed arrays included.
    ///
    /// ```swift
    /// // node -e 'fs.writeFileSync("v.bin", v8.serialize(new Map([[1, "one"]])))'
    /// let value = try JSValue(v8Serialized: Data(contentsOf: url))   // Map(1) { 1 => 'one' }
    /// ```
    ///
    /// A function cannot be stored, so data holding one is ``V8SerializationError/unsupported(_:path:)``.
    public init(v8Serialized bytes: some Collection<UInt8>, limits: ConversionLimits = .default)
        throws(V8SerializationError)
    {
        let decoded = bytes.withContiguousStorageIfAvailable { buffer in
            Self.decode(UnsafeRawBufferPointer(buffer), limits: limits)
        }
        let result = decoded ?? Array(bytes).withUnsafeBytes { Self.decode($0, limits: limits) }
        switch result {
        case .success(let value): self = value
        case .failure(let error): throw error
        }
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, limits: ConversionLimits)
        -> Result<JSValue, V8SerializationError>
    {
        do throws(V8SerializationError) {
            return .success(try V8ValueReader.decode(bytes, limits: limits.forReadingOnThisThread))
        } catch {
            return .failure(error)
        }
    }

    /// The value in V8's serialization format, version 15: what Node's `v8.deserialize()` and
    /// `v8::ValueDeserializer` read.
    ///
    /// - Throws: ``V8SerializationError/function(reason:path:)`` for a function (a handle means
    ///   nothing outside its runtime), and the limits' errors.
    public func v8Serialized(limits: ConversionLimits = .default) throws(V8SerializationError) -> Data {
        Data(try V8ValueWriter.encode(self, limits: limits))
    }
}

/// The tags of V8's format (v8/src/objects/value-serializer.cc, `SerializationTag`).
enum V8Tag {
    static let version: UInt8 = 0xFF
    /// The version written: the one V8 10 and 11 (Node 18 and 20) write. A deserializer reads
    /// every version up to its own.
    static let latestVersion: UInt8 = 15
    static let padding: UInt8 = 0x00
    static let verifyObjectCount = UInt8(ascii: "?")
    static let hole = UInt8(ascii: "-")
    static let undefined = UInt8(ascii: "_")
    static let null = UInt8(ascii: "0")
    static let `true` = UInt8(ascii: "T")
    static let `false` = UInt8(ascii: "F")
    static let int32 = UInt8(ascii: "I")
    static let uint32 = UInt8(ascii: "U")
    static let double = UInt8(ascii: "N")
    static let bigInt = UInt8(ascii: "Z")
    static let oneByteString = UInt8(ascii: "\"")
    static let twoByteString = UInt8(ascii: "c")
    static let utf8String = UInt8(ascii: "S")
    static let objectReference = UInt8(ascii: "^")
    static let beginObject = UInt8(ascii: "o")
    static let endObject = UInt8(ascii: "{")
    static let beginDenseArray = UInt8(ascii: "A")
    static let endDenseArray = UInt8(ascii: "$")
    static let beginSparseArray = UInt8(ascii: "a")
    static let endSparseArray = UInt8(ascii: "@")
    static let date = UInt8(ascii: "D")
    static let trueObject = UInt8(ascii: "y")
    static let falseObject = UInt8(ascii: "x")
    static let numberObject = UInt8(ascii: "n")
    static let bigIntObject = UInt8(ascii: "z")
    static let stringObject = UInt8(ascii: "s")
    static let regExp = UInt8(ascii: "R")
    static let beginMap = UInt8(ascii: ";")
    static let endMap = UInt8(ascii: ":")
    static let beginSet = UInt8(ascii: "'")
    static let endSet = UInt8(ascii: ",")
    static let arrayBuffer = UInt8(ascii: "B")
    static let resizableArrayBuffer = UInt8(ascii: "~")
    static let arrayBufferView = UInt8(ascii: "V")
    static let error = UInt8(ascii: "r")
    static let hostObject = UInt8(ascii: "\\")

    /// The tags inside an error (`ErrorTag`).
    enum ErrorField {
        static let message = UInt8(ascii: "m")
        static let stack = UInt8(ascii: "s")
        static let cause = UInt8(ascii: "c")
        static let end = UInt8(ascii: ".")
        /// The prototypes V8 keeps, by tag; no tag means `Error`.
        static let prototypes: [UInt8: String] = [
            UInt8(ascii: "E"): "EvalError", UInt8(ascii: "R"): "RangeError", UInt8(ascii: "F"): "ReferenceError",
            UInt8(ascii: "S"): "SyntaxError", UInt8(ascii: "T"): "TypeError", UInt8(ascii: "U"): "URIError",
        ]
    }

    /// The element types of an `ArrayBufferView` (`ArrayBufferViewTag`), both ways.
    static let viewKinds: [UInt8: JSBytes.Kind] = [
        UInt8(ascii: "b"): .int8Array, UInt8(ascii: "B"): .uint8Array, UInt8(ascii: "C"): .uint8ClampedArray,
        UInt8(ascii: "w"): .int16Array, UInt8(ascii: "W"): .uint16Array, UInt8(ascii: "d"): .int32Array,
        UInt8(ascii: "D"): .uint32Array, UInt8(ascii: "f"): .float32Array, UInt8(ascii: "F"): .float64Array,
        UInt8(ascii: "q"): .bigInt64Array, UInt8(ascii: "Q"): .bigUint64Array, UInt8(ascii: "?"): .dataView,
    ]
    static let viewTags: [JSBytes.Kind: UInt8] = Dictionary(uniqueKeysWithValues: viewKinds.map { ($1, $0) })

    /// The order of Node's typed arrays when `v8.serialize` writes them as host objects
    /// (lib/v8.js, `arrayBufferViewTypes`): the host object holds this index, the byte length
    /// and the bytes. Index 10 is Node's `Buffer`, a `Uint8Array`.
    static let nodeViewKinds: [JSBytes.Kind] = [
        .int8Array, .uint8Array, .uint8ClampedArray, .int16Array, .uint16Array, .int32Array, .uint32Array,
        .float32Array, .float64Array, .dataView, .uint8Array, .bigInt64Array, .bigUint64Array,
    ]

    /// A regular expression's flags, by bit (`JSRegExp::Flag`), in the order `flags` lists them.
    static let regExpFlags: [(character: Character, bit: UInt32)] = [
        ("d", 1 << 7), ("g", 1 << 0), ("i", 1 << 1), ("l", 1 << 6), ("m", 1 << 2), ("s", 1 << 5),
        ("u", 1 << 4), ("v", 1 << 8), ("y", 1 << 3),
    ]

    /// What a tag that `JSValue` does not represent stands for, for the error message.
    static func kindName(of tag: UInt8) -> String {
        switch Character(Unicode.Scalar(tag)) {
        case "u": "a SharedArrayBuffer"
        case "t": "a transferred ArrayBuffer"
        case "\\": "a host object"
        case "W", "w": "a WebAssembly object"
        case "m": "a WebAssembly memory"
        default: "a value with serialization tag 0x\(String(tag, radix: 16))"
        }
    }
}
