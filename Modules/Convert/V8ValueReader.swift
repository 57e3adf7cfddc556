/// Reads V8's serialization format (what `v8::ValueSerializer` and Node's `v8.serialize()`
/// write, versions 13 to 15) into a ``JSValue``, in one pass over the bytes.
///
/// This is how values leave a runtime: the shim serializes a V8 value into a buffer and this
/// reader decodes it, without a call back into V8 per property.
///
/// Values that ``JSValue`` has no case for (a BigInt, a Date, a Map, a typed array, ...) are
/// refused with ``V8ValueReader/Failure/unsupported(_:path:)``, naming the kind and where it was
/// found, never silently turned into something else.
package struct V8ValueReader: ~Copyable {
    /// Why a buffer could not be read.
    package enum Failure: Error, Sendable, Equatable {
        /// The bytes are not V8's serialization format, or are cut short.
        case malformed(String)
        /// A well-formed value of a kind that `JSValue` does not represent.
        case unsupported(String, path: String)
        /// An object refers back to itself (a cycle).
        case cycle(path: String)
        /// The value is nested deeper than `maxDepth`.
        case tooDeep(limit: Int, path: String)
    }

    /// The deepest nesting accepted, a guard for the Swift stack.
    package static let defaultMaxDepth = 1_000

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let maxDepth: Int
    private var depth = 0
    /// Objects by the id the serializer gave them; `nil` while still being read.
    private var objects: [JSValue?] = []
    /// The keys and indices leading to the value being read, for error messages.
    private var path: [ValuePath.Component] = []

    /// Decodes one value, header included.
    package static func decode(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth)
        throws(Failure) -> JSValue
    {
        var reader = V8ValueReader(bytes: bytes, maxDepth: maxDepth, hostObject: nil)
        try reader.readHeader()
        return try reader.readValue()
    }

    /// Decodes one value whose host objects are function handles (a runtime's arguments for a
    /// host function): `hostObject` turns the id written for each into its value.
    package static func decode(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth, hostObject: (UInt32) -> JSValue
    ) throws(Failure) -> JSValue {
        try withoutActuallyEscaping(hostObject) { (hostObject) throws(Failure) in
            var reader = V8ValueReader(bytes: bytes, maxDepth: maxDepth, hostObject: hostObject)
            try reader.readHeader()
            return try reader.readValue()
        }
    }

    private let hostObject: ((UInt32) -> JSValue)?

    private init(bytes: UnsafeRawBufferPointer, maxDepth: Int, hostObject: ((UInt32) -> JSValue)?) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.hostObject = hostObject
    }

    // MARK: - Primitives of the format

    private mutating func readByte() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw .malformed("the data ends in the middle of a value") }
        defer { position += 1 }
        return bytes[position]
    }

    private func peekByte() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// A base-128 varint, least significant group first.
    private mutating func readVarint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw .malformed("a varint is longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readLength() throws(Failure) -> Int {
        let length = try readVarint()
        guard length <= UInt64(bytes.count - position) else {
            throw .malformed("a length of \(length) runs past the end of the data")
        }
        return Int(length)
    }

    private mutating func readDouble() throws(Failure) -> Double {
        guard bytes.count - position >= 8 else { throw .malformed("the data ends inside a number") }
        defer { position += 8 }
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
    }

    private mutating func readHeader() throws(Failure) {
        guard try readByte() == Tag.version else {
            throw .malformed("the data does not start with V8's version tag (0xFF)")
        }
        let version = try readVarint()
        guard (13...15).contains(version) else {
            throw .malformed("version \(version) of V8's format is not supported (13 to 15 are)")
        }
    }

    // MARK: - Values

    private mutating func readValue() throws(Failure) -> JSValue {
        var tag = try readByte()
        while tag == Tag.padding || tag == Tag.verifyObjectCount {
            if tag == Tag.verifyObjectCount { _ = try readVarint() }
            tag = try readByte()
        }
        switch tag {
        case Tag.undefined, Tag.hole: return .undefined
        case Tag.null: return .null
        case Tag.true: return .bool(true)
        case Tag.false: return .bool(false)
        case Tag.int32: return .number(Double(Self.unzigzag(try readVarint())))
        case Tag.uint32: return .number(Double(UInt32(truncatingIfNeeded: try readVarint())))
        case Tag.double: return .number(try readDouble())
        case Tag.oneByteString: return .string(try readOneByteString())
        case Tag.twoByteString: return .string(try readTwoByteString())
        case Tag.utf8String: return .string(try readUTF8String())
        case Tag.objectReference: return try readReference()
        case Tag.beginObject: return try nested { (reader) throws(Failure) in try reader.readObject() }
        case Tag.beginDenseArray: return try nested { (reader) throws(Failure) in try reader.readDenseArray() }
        case Tag.beginSparseArray: return try nested { (reader) throws(Failure) in try reader.readSparseArray() }
        case Tag.hostObject where hostObject != nil:
            // V8 numbers host objects among the objects it may refer back to.
            let id = beginObject()
            let value = hostObject!(UInt32(truncatingIfNeeded: try readVarint()))
            objects[id] = value
            return value
        default:
            throw .unsupported(Tag.kindName(of: tag), path: pathDescription)
        }
    }

    private static func unzigzag(_ raw: UInt64) -> Int32 {
        let value = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// Reads an object or array one level deeper, guarding the depth.
    private mutating func nested(_ read: (inout V8ValueReader) throws(Failure) -> JSValue) throws(Failure) -> JSValue {
        guard depth < maxDepth else { throw .tooDeep(limit: maxDepth, path: pathDescription) }
        depth += 1
        defer { depth -= 1 }
        return try read(&self)
    }

    private mutating func readReference() throws(Failure) -> JSValue {
        let id = try readVarint()
        guard id < UInt64(objects.count) else {
            throw .malformed("a reference to object \(id), which has not been read")
        }
        // A reference to an object still being read is a cycle; a finished one is shared.
        guard let value = objects[Int(id)] else { throw .cycle(path: pathDescription) }
        return value
    }

    private mutating func beginObject() -> Int {
        objects.append(nil)
        return objects.count - 1
    }

    private mutating func readObject() throws(Failure) -> JSValue {
        let id = beginObject()
        var keys: [String] = []
        var values: [JSValue] = []
        while peekByte() != Tag.endObject {
            let key = try readKey()
            path.append(.key(key))
            values.append(try readValue())
            path.removeLast()
            keys.append(key)
        }
        position += 1
        let count = try readVarint()
        guard count == UInt64(keys.count) else {
            throw .malformed("an object announces \(count) properties but has \(keys.count)")
        }
        let object = JSValue.object(JSObject(uniqueKeys: keys, values: values))
        objects[id] = object
        return object
    }

    private mutating func readDenseArray() throws(Failure) -> JSValue {
        let id = beginObject()
        let length = try readLength()
        var elements: [JSValue] = []
        elements.reserveCapacity(length)
        for index in 0..<length {
            path.append(.index(index))
            elements.append(try readValue())
            path.removeLast()
        }
        try skipProperties(until: Tag.endDenseArray)
        _ = try readVarint()  // the property count
        _ = try readVarint()  // the length again
        let array = JSValue.array(elements)
        objects[id] = array
        return array
    }

    /// The most elements a sparse array may expand to: its holes become `.undefined`.
    package static let maxSparseLength = 1 << 24

    private mutating func readSparseArray() throws(Failure) -> JSValue {
        let id = beginObject()
        let length = try readVarint()
        guard length <= UInt64(Self.maxSparseLength) else {
            throw .unsupported(
                "a sparse array of length \(length) (at most \(Self.maxSparseLength) elements)", path: pathDescription)
        }
        var elements = [JSValue](repeating: .undefined, count: Int(length))
        while peekByte() != Tag.endSparseArray {
            let key = try readKey()
            path.append(.key(key))
            let value = try readValue()
            path.removeLast()
            // Only index keys land in the array; other properties of an array are dropped.
            if let index = Int(key), elements.indices.contains(index) { elements[index] = value }
        }
        position += 1
        _ = try readVarint()  // the property count
        _ = try readVarint()  // the length again
        let array = JSValue.array(elements)
        objects[id] = array
        return array
    }

    /// Reads and drops `key: value` pairs up to `end` (an array's non-index properties).
    private mutating func skipProperties(until end: UInt8) throws(Failure) {
        while true {
            guard let next = peekByte() else { throw .malformed("the data ends inside an array") }
            if next == end { break }
            let key = try readKey()
            path.append(.key(key))
            _ = try readValue()
            path.removeLast()
        }
        position += 1
    }

    /// A property key: a string, or a number for integer-like keys.
    private mutating func readKey() throws(Failure) -> String {
        switch try readValue() {
        case .string(let key): return key
        case .number(let number):
            if let integer = Int64(exactly: number) { return String(integer) }
            return String(number)
        default: throw .malformed("a property key that is neither a string nor a number")
        }
    }

    // MARK: - Strings

    /// Latin-1 text, one byte per character.
    private mutating func readOneByteString() throws(Failure) -> String {
        let length = try readLength()
        let start = position
        position += length
        let latin1 = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
        // ASCII is UTF-8 already; only bytes >= 0x80 need two UTF-8 bytes each.
        if !latin1.contains(where: { $0 >= 0x80 }) {
            return String(decoding: latin1, as: UTF8.self)
        }
        return String(decoding: latin1.lazy.map { UInt16($0) }, as: UTF16.self)
    }

    /// UTF-16 text, little-endian. Lone surrogates become U+FFFD, since `String` holds only
    /// valid Unicode.
    private mutating func readTwoByteString() throws(Failure) -> String {
        let length = try readLength()
        guard length % 2 == 0 else { throw .malformed("a two-byte string has an odd byte length") }
        let start = position
        position += length
        let data = bytes
        let units = (0..<length / 2).lazy.map { index in
            UInt16(littleEndian: data.loadUnaligned(fromByteOffset: start + 2 * index, as: UInt16.self))
        }
        return String(decoding: units, as: UTF16.self)
    }

    private mutating func readUTF8String() throws(Failure) -> String {
        let length = try readLength()
        let start = position
        position += length
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + length]), as: UTF8.self)
    }

    // MARK: - Paths

    /// Where the reader is, as a JavaScript-like access path: `$`, `$.users[3].name`.
    private var pathDescription: String { ValuePath.describe(path) }
}

/// The tags of V8's format (v8/src/objects/value-serializer.cc, `SerializationTag`).
private enum Tag {
    static let version: UInt8 = 0xFF
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
    static let hostObject = UInt8(ascii: "\\")

    /// What a tag that `JSValue` does not represent stands for, for the error message.
    static func kindName(of tag: UInt8) -> String {
        switch Character(Unicode.Scalar(tag)) {
        case "Z": "a BigInt"
        case "D": "a Date"
        case "R": "a RegExp"
        case ";": "a Map"
        case "'": "a Set"
        case "B", "~": "an ArrayBuffer"
        case "V": "a typed array or DataView"
        case "u": "a SharedArrayBuffer"
        case "r": "an Error object"
        case "y", "x", "n", "z", "s": "a boxed primitive (new Number, new String, ...)"
        case "\\": "a host object"
        case "W", "w": "a WebAssembly object"
        default: "a value with serialization tag 0x\(String(tag, radix: 16))"
        }
    }
}

extension V8ValueReader.Failure: CustomStringConvertible {
    package var description: String {
        switch self {
        case .malformed(let reason): "malformed V8 serialization data: \(reason)"
        case .unsupported(let kind, let path): "\(kind) at \(path) has no JSValue representation"
        case .cycle(let path): "the object at \(path) refers back to itself (a cycle)"
        case .tooDeep(let limit, let path): "the value at \(path) is nested more than \(limit) levels deep"
        }
    }
}
