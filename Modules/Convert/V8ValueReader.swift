#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads V8's serialization format (what `v8::ValueSerializer` and Node's `v8.serialize()`
/// write, versions 13 to 15) into a ``JSValue``, in one pass over the bytes.
///
/// This is how values leave a runtime: the shim serializes a V8 value into a buffer and this
/// reader decodes it, without a call back into V8 per property.
///
/// Every kind of value the format holds has a ``JSValue`` case, except a few that cannot leave
/// their process (a SharedArrayBuffer, a WebAssembly module, a transferred buffer): those are
/// refused with ``V8SerializationError/unsupported(_:path:)``, naming the kind and where it was
/// found, never silently turned into something else. A boxed primitive (`new Number(1)`) is read
/// as its primitive. Strings are Swift strings, so a lone UTF-16 surrogate becomes U+FFFD.
package struct V8ValueReader: ~Copyable {
    package typealias Failure = V8SerializationError

    /// The deepest nesting accepted by default, a guard for the Swift stack.
    package static let defaultMaxDepth = 1_000

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var version: UInt64 = 0
    private let maxDepth: Int
    /// The most bytes a value may take: the data's own size, and what the data does not show,
    /// the holes of its sparse arrays, which take no bytes there and a `JSValue` each in Swift
    /// (``holeBytes``), across the whole value.
    private let maxBytes: Int
    /// The holes of the sparse arrays read so far, which `maxBytes` bounds with the data.
    private var holes = 0
    /// How many holes `maxBytes` leaves room for beside the data itself.
    private var holeBudget = 0
    /// Slots that open sparse arrays keep for elements the rest of the data may hold.
    private var promisedSlots = 0
    private var depth = 0
    /// Objects by the id the serializer gave them; `nil` while still being read.
    private var objects: [JSValue?] = []
    /// The keys and values of the objects being read, innermost last: one stack for all of
    /// them, so that each object allocates its storage once, at its exact size.
    private var pendingKeys: [String] = []
    private var pendingValues = ValueStack()
    /// The shape of the last object read: objects of one shape (rows of a table) share its keys.
    private var lastShape = Shape()
    /// The shapes made most recently, newest last: objects of a few shapes in turn (the rows of
    /// two tables, an object and the one inside it) find theirs here, by their first key, and
    /// make no new one.
    private var recentShapes: [Shape] = []
    /// Where in the data each ArrayBuffer read so far is, by object id: its bytes are copied
    /// only when the buffer itself or a view of it is asked for, and the views of a buffer used
    /// more than once share one copy of it.
    private var buffers: [Int: BufferSource] = [:]
    /// Makes the data's owner keep it alive, so that large binary data can be shared instead of
    /// copied; called at most once.
    private let adoptBytes: (() -> any AnyObject & Sendable)?
    private var sourceOwner: (any AnyObject & Sendable)?
    /// Reads a host object; without one, host objects are Node's typed arrays.
    private let hostObject: ((UInt32) -> JSValue)?

    /// Decodes one value, header included, within `limits`.
    package static func decode(_ bytes: UnsafeRawBufferPointer, limits: ConversionLimits) throws(Failure) -> JSValue {
        var reader = V8ValueReader(bytes: bytes, limits: limits, hostObject: nil)
        return try reader.readAll()
    }

    /// Decodes one value, header included, with no limit on its size.
    package static func decode(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth)
        throws(Failure) -> JSValue
    {
        try decode(bytes, limits: ConversionLimits(maxDepth: maxDepth, maxBytes: .max))
    }

    /// Decodes one value whose host objects are function handles (a runtime's values): the
    /// `hostObject` closure turns the id written for each into its value. With
    /// `isArgumentList`, the value is the array of a call's arguments, whose own level does not
    /// count toward `limits.maxDepth`.
    ///
    /// Large binary data is shared with `bytes` rather than copied when `adoptBytes` is given:
    /// it is called once, when the first such data is read, and returns an object that keeps
    /// `bytes` valid for as long as it lives.
    package static func decode(
        _ bytes: UnsafeRawBufferPointer,
        limits: ConversionLimits = ConversionLimits(maxDepth: defaultMaxDepth, maxBytes: .max),
        isArgumentList: Bool = false, hostObject: (UInt32) -> JSValue,
        adoptBytes: (() -> any AnyObject & Sendable)? = nil
    ) throws(Failure) -> JSValue {
        try withoutActuallyEscaping(hostObject) { (hostObject) throws(Failure) in
            var reader = V8ValueReader(bytes: bytes, limits: limits, hostObject: hostObject, adoptBytes: adoptBytes)
            if isArgumentList { reader.depth = -1 }
            return try reader.readAll()
        }
    }

    private init(
        bytes: UnsafeRawBufferPointer, limits: ConversionLimits, hostObject: ((UInt32) -> JSValue)?,
        adoptBytes: (() -> any AnyObject & Sendable)? = nil
    ) {
        self.bytes = bytes
        self.maxDepth = limits.maxDepth
        self.maxBytes = limits.maxBytes
        self.hostObject = hostObject
        self.adoptBytes = adoptBytes
    }

    // MARK: - Primitives of the format

    private mutating func readByte() throws(Unwinding) -> UInt8 {
        guard position < bytes.count else { throw Unwinding.malformed("the data ends in the middle of a value") }
        defer { position += 1 }
        return bytes[position]
    }

    private func peekByte() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// A base-128 varint, least significant group first.
    private mutating func readVarint() throws(Unwinding) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Unwinding.malformed("a varint is longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readLength() throws(Unwinding) -> Int {
        try checkedLength(readVarint())
    }

    /// `length`, once it is known that the data holds that many bytes after the position.
    @inline(__always)
    private func checkedLength(_ length: UInt64) throws(Unwinding) -> Int {
        guard length <= UInt64(bytes.count - position) else {
            throw Unwinding.malformed("a length of \(length) runs past the end of the data")
        }
        return Int(length)
    }

    private mutating func readDouble() throws(Unwinding) -> Double {
        guard bytes.count - position >= 8 else { throw Unwinding.malformed("the data ends inside a number") }
        defer { position += 8 }
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
    }

    /// The header and the one value after it.
    private mutating func readAll() throws(Failure) -> JSValue {
        // Nothing is read from data past the limit.
        guard bytes.count <= maxBytes else { throw .tooLarge(limit: maxBytes, size: bytes.count) }
        holeBudget = (maxBytes - bytes.count) / Self.holeBytes
        do {
            try readHeader()
            return try readValue()
        } catch {
            throw error.failure
        }
    }

    private mutating func readHeader() throws(Unwinding) {
        guard try readByte() == Tag.version else {
            throw Unwinding.malformed("the data does not start with V8's version tag (0xFF)")
        }
        version = try readVarint()
        guard (13...15).contains(version) else {
            throw Unwinding.malformed("version \(version) of V8's format is not supported (13 to 15 are)")
        }
    }

    // MARK: - Values

    private mutating func readValue() throws(Unwinding) -> JSValue {
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
        case Tag.bigInt: return .bigInt(try readBigInt())
        case Tag.oneByteString: return .string(try readOneByteString())
        case Tag.twoByteString: return .string(try readTwoByteString())
        case Tag.utf8String: return .string(try readUTF8String())
        case Tag.objectReference: return try readReference()
        case Tag.beginObject: return try nested { (reader) throws(Unwinding) in try reader.readObject() }
        case Tag.beginDenseArray: return try nested { (reader) throws(Unwinding) in try reader.readDenseArray() }
        case Tag.beginSparseArray: return try nested { (reader) throws(Unwinding) in try reader.readSparseArray() }
        case Tag.beginMap: return try nested { (reader) throws(Unwinding) in try reader.readMap() }
        case Tag.beginSet: return try nested { (reader) throws(Unwinding) in try reader.readSet() }
        case Tag.error: return try nested { (reader) throws(Unwinding) in try reader.readError() }
        case Tag.date: return remember(.date(JSDate(millisecondsSince1970: try readDouble())))
        case Tag.regExp: return try readRegExp()
        case Tag.arrayBuffer: return try readArrayBuffer(resizable: false)
        case Tag.resizableArrayBuffer: return try readArrayBuffer(resizable: true)
        // A boxed primitive (`new Number(1)`, `Object(1n)`) is read as its primitive.
        case Tag.trueObject: return remember(.bool(true))
        case Tag.falseObject: return remember(.bool(false))
        case Tag.numberObject: return remember(.number(try readDouble()))
        case Tag.bigIntObject: return remember(.bigInt(try readBigInt()))
        case Tag.stringObject:
            let id = beginObject()
            let string = try readString()
            objects[id] = .string(string)
            return .string(string)
        case Tag.hostObject: return try readHostObject()
        default:
            throw Unwinding(.unsupported(Tag.kindName(of: tag)))
        }
    }

    private static func unzigzag(_ raw: UInt64) -> Int32 {
        let value = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// Reads a container one level deeper, guarding the depth.
    private mutating func nested(_ read: (inout V8ValueReader) throws(Unwinding) -> JSValue) throws(Unwinding)
        -> JSValue
    {
        guard depth < maxDepth else { throw Unwinding(.tooDeep(limit: maxDepth)) }
        depth += 1
        defer { depth -= 1 }
        return try read(&self)
    }

    private mutating func readReference() throws(Unwinding) -> JSValue {
        let id = try readVarint()
        guard id < UInt64(objects.count) else {
            throw Unwinding.malformed("a reference to object \(id), which has not been read")
        }
        if buffers[Int(id)] != nil { return try readBuffer(Int(id)) }
        // A reference to an object still being read is a cycle; a finished one is shared.
        guard let value = objects[Int(id)] else { throw Unwinding(.cycle) }
        return value
    }

    /// Numbers a new object, as the serializer did when it wrote it.
    private mutating func beginObject() -> Int {
        objects.append(nil)
        return objects.count - 1
    }

    /// Numbers an object read in one step, and returns it.
    private mutating func remember(_ value: JSValue) -> JSValue {
        objects.append(value)
        return value
    }

    private mutating func readObject() throws(Unwinding) -> JSValue {
        let id = beginObject()
        let firstKey = pendingKeys.count
        let firstValue = pendingValues.count
        // Rows of a table repeat their keys: while the keys are those of the shape read last,
        // in order, they are taken from it, and only counted (`sameKeys`); the keys of an
        // object that differs are collected in `pendingKeys`. The shape is held here, since the
        // objects inside this one change `lastShape` while it is read.
        let shape = shapeOfNextObject()
        var sameKeys = 0
        var differs = false
        while peekByte() != Tag.endObject {
            let key: String
            if !differs, let length = shape.keyLength(at: sameKeys, in: bytes, from: position) {
                key = shape.keys[sameKeys]
                position += length
                sameKeys += 1
            } else {
                if !differs {
                    differs = true
                    pendingKeys.append(contentsOf: shape.keys[..<sameKeys])
                }
                key = try readKey()
                pendingKeys.append(key)
            }
            pendingValues.push(try readValue(at: .key(key)))
        }
        position += 1
        let count = try readVarint()
        let read = pendingValues.count - firstValue
        guard count == UInt64(read) else {
            throw Unwinding.malformed("an object announces \(count) properties but has \(read)")
        }
        // V8 never writes a key twice, and its deserializer refuses data that does.
        if differs, let key = Self.repeatedKey(in: pendingKeys[firstKey...]) {
            throw Unwinding.malformed("an object has the key \(ValuePath.doubleQuoted(key.prefix(100))) twice")
        }
        if differs || sameKeys != shape.keys.count {
            // The keys of a shape are unique: those of the last one (a prefix of them, here),
            // or new ones that were checked.
            lastShape = Shape(differs ? pendingKeys[firstKey...] : shape.keys[..<sameKeys])
            remember(lastShape)
            pendingKeys.removeSubrange(firstKey...)
        } else {
            // The next sibling most likely has this shape again.
            lastShape = shape
        }
        let object = JSValue.object(JSObject(sharedKeys: lastShape.keys, values: pendingValues.pop(read)))
        objects[id] = object
        return object
    }

    /// The shape whose keys the next object most likely has: the last one, unless its first key
    /// is not the object's and a recent one's is.
    private func shapeOfNextObject() -> Shape {
        if lastShape.keyLength(at: 0, in: bytes, from: position) != nil { return lastShape }
        for shape in recentShapes.reversed() where shape.keyLength(at: 0, in: bytes, from: position) != nil {
            return shape
        }
        return lastShape
    }

    /// Keeps `shape` among the recent ones, in place of the oldest of eight.
    private mutating func remember(_ shape: Shape) {
        if recentShapes.count == 8 { recentShapes.removeFirst() }
        recentShapes.append(shape)
    }

    /// A key that appears twice among `keys`: compared pairwise for a few; for more, through a
    /// table of their positions by a cheap hash of their UTF-8 (FNV-1a), since String's own
    /// hashing and a `Set` cost as much as reading the object.
    @inline(never)  // kept out of `readObject`, as above
    private static func repeatedKey(in keys: ArraySlice<String>) -> String? {
        if keys.count <= 8 {
            for index in keys.indices where keys[(index + 1)...].contains(keys[index]) { return keys[index] }
            return nil
        }
        let mask = (keys.count * 2).roundedUpToPowerOfTwo - 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: mask + 1) { table in
            table.initialize(repeating: -1)
            for index in keys.indices {
                var slot = Self.cheapHash(keys[index]) & mask
                while table[slot] >= 0 {
                    if keys[table[slot]] == keys[index] { return keys[index] }
                    slot = (slot + 1) & mask
                }
                table[slot] = index
            }
            return nil
        }
    }

    private static func cheapHash(_ key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    private mutating func readDenseArray() throws(Unwinding) -> JSValue {
        let id = beginObject()
        let length = try readLength()
        var elements: [JSValue] = []
        elements.reserveCapacity(length)
        for index in 0..<length {
            elements.append(try readValue(at: .index(index)))
        }
        try skipProperties(until: Tag.endDenseArray)
        _ = try readVarint()  // the property count
        _ = try readVarint()  // the length again
        let array = JSValue.array(elements)
        objects[id] = array
        return array
    }

    /// What a hole of a sparse array counts toward `ConversionLimits.maxBytes`: the `JSValue`
    /// (`.undefined`) it becomes in Swift, which the data does not hold.
    package static let holeBytes = MemoryLayout<JSValue>.stride

    /// A sparse array: its length, then its elements as index-value pairs (and other properties,
    /// dropped). Its holes count toward the limit for the whole value, and its storage is kept
    /// within what the limit and the data can account for (see ``SparseArray``): never `length`
    /// elements made at once, and never the storage of a large array twice, old and new.
    private mutating func readSparseArray() throws(Unwinding) -> JSValue {
        let id = beginObject()
        let length = try readVarint()
        var array = SparseArray(length: Int(clamping: length))
        // Room for the elements the data can hold, so that a holey array with every element
        // (`Array.from({ length: n })`, the usual sparse-format array) does not grow step by
        // step; at most 65,536 of them.
        keepSlots(min(array.length, claimableSlots, 1 << 16), forElementsOf: &array)
        while peekByte() != Tag.endSparseArray {
            // Indices are written as numbers: no detour through their text.
            let key = try readValue()
            if case .number(let number) = key, number >= 0, number < Double(length), let index = Int(exactly: number) {
                if index >= array.elements.count {
                    if index > array.elements.count { try addHoles(index - array.elements.count, to: &array) }
                    appendElement(try readValue(at: .index(index)), to: &array)
                } else {
                    // V8 writes indices in order; data that goes back overwrites.
                    array.elements[index] = try readValue(at: .index(index))
                }
            } else {
                // Other properties of an array are dropped.
                let name = try Self.keyText(key)
                _ = try readValue(at: .key(name))
            }
        }
        position += 1
        _ = try readVarint()  // the property count
        _ = try readVarint()  // the length again
        // `length` is past every index read, which is below it.
        try addHoles(array.length - array.elements.count, to: &array)
        // Every append took a counted or a kept slot while there was one, and the array now
        // holds `length`: none is left to give back.
        assert(array.chargedSlots == 0 && array.promisedSlots == 0, "a sparse array left slots counted")
        let value = JSValue.array(array.elements)
        objects[id] = value
        return value
    }

    /// Slots for elements the rest of the data can still hold (an index and a value take two
    /// bytes at least), beside those that open sparse arrays keep for theirs.
    private var claimableSlots: Int { max(0, (bytes.count - position) / 2 - promisedSlots) }

    /// Makes room in `array` for `count` more elements, kept for what the data holds.
    private mutating func keepSlots(_ count: Int, forElementsOf array: inout SparseArray) {
        array.elements.reserveCapacity(array.elements.count + count)
        array.promisedSlots += count
        promisedSlots += count
    }

    /// Appends an element the data held, in a slot kept for elements, or else one counted as a
    /// hole in advance, which it gives back to the limit.
    @inline(__always)
    private mutating func appendElement(_ element: consuming JSValue, to array: inout SparseArray) {
        if array.promisedSlots > 0 {
            array.promisedSlots -= 1
            promisedSlots -= 1
        } else if array.chargedSlots > 0 {
            array.chargedSlots -= 1
            holes -= 1
        }
        array.elements.append(element)
    }

    /// Appends `count` holes to `array`, once they fit in the limit with every hole before.
    /// Holes go first into slots counted as holes in advance; others are counted now. When the
    /// storage is full, it grows once, to the array's whole length: the slots after these holes
    /// are counted as holes in advance as far as the limit leaves room, and the others kept for
    /// elements of the data. An array whose rest fits in neither is refused now.
    private mutating func addHoles(_ count: Int, to array: inout SparseArray) throws(Unwinding) {
        guard count > 0 else { return }
        let counted = min(count, array.chargedSlots)
        array.chargedSlots -= counted
        // Slots kept for elements that the data did not hold are holes after all.
        let unkept = min(count - counted, array.promisedSlots)
        array.promisedSlots -= unkept
        promisedSlots -= unkept
        try countHoles(count - counted)
        let needed = array.elements.count + count
        if array.elements.capacity < needed {
            // Every kept or counted slot was used: the storage is full.
            let rest = array.length - needed
            let charged = min(rest, holeBudget - holes)
            guard rest - charged <= claimableSlots else { throw tooManyHoles(rest) }
            holes += charged
            array.chargedSlots = charged
            array.elements.reserveCapacity(array.length)
            array.promisedSlots = rest - charged
            promisedSlots += rest - charged
        }
        array.elements.append(contentsOf: repeatElement(.undefined, count: count))
    }

    /// Counts `count` more holes toward the limit, or refuses them when they do not fit.
    private mutating func countHoles(_ count: Int) throws(Unwinding) {
        guard count <= holeBudget - holes else { throw tooManyHoles(count) }
        holes += count
    }

    /// The failure for `count` holes more than the limit leaves room for: the size so far, the
    /// data and every hole up to here (`Int.max` if that overflows).
    private func tooManyHoles(_ count: Int) -> Unwinding {
        let total = holes.addingReportingOverflow(count)
        let holeBytes = total.partialValue.multipliedReportingOverflow(by: Self.holeBytes)
        let size = holeBytes.partialValue.addingReportingOverflow(bytes.count)
        let overflow = total.overflow || holeBytes.overflow || size.overflow
        return Unwinding(.tooLarge(limit: maxBytes, size: overflow ? Int.max : size.partialValue))
    }

    /// Reads and drops `key: value` pairs up to `end` (an array's non-index properties).
    private mutating func skipProperties(until end: UInt8) throws(Unwinding) {
        while true {
            guard let next = peekByte() else { throw Unwinding.malformed("the data ends inside an array") }
            if next == end { break }
            let key = try readKey()
            _ = try readValue(at: .key(key))
        }
        position += 1
    }

    /// A property key: a string, or a number for integer-like keys.
    private mutating func readKey() throws(Unwinding) -> String {
        try Self.keyText(readValue())
    }

    private static func keyText(_ key: JSValue) throws(Unwinding) -> String {
        switch key {
        case .string(let key): return key
        case .number(let number):
            if let integer = Int64(exactly: number) { return String(integer) }
            return String(number)
        default: throw Unwinding.malformed("a property key that is neither a string nor a number")
        }
    }

    // MARK: - Map, Set, Error, RegExp, BigInt

    private mutating func readMap() throws(Unwinding) -> JSValue {
        let id = beginObject()
        var entries: [JSMap.Entry] = []
        while peekByte() != Tag.endMap {
            let key = try readValue(at: .mapKey(entries.count))
            let value = try readValue(at: .mapValue(entries.count))
            entries.append(JSMap.Entry(key: key, value: value))
        }
        position += 1
        guard try readVarint() == UInt64(entries.count * 2) else {
            throw Unwinding.malformed("a Map announces a different number of entries than it has")
        }
        let map = JSValue.map(JSMap(entries: entries))
        objects[id] = map
        return map
    }

    private mutating func readSet() throws(Unwinding) -> JSValue {
        let id = beginObject()
        var elements: [JSValue] = []
        while peekByte() != Tag.endSet {
            elements.append(try readValue(at: .setElement(elements.count)))
        }
        position += 1
        guard try readVarint() == UInt64(elements.count) else {
            throw Unwinding.malformed("a Set announces a different number of elements than it has")
        }
        let set = JSValue.set(elements)
        objects[id] = set
        return set
    }

    private mutating func readError() throws(Unwinding) -> JSValue {
        let id = beginObject()
        var error = JSError(message: "")
        var hasPrototype = false
        while true {
            let tag = try readByte()
            switch tag {
            case Tag.ErrorField.end:
                // V8 writes other errors' classes as plain `Error`; the stack still starts with
                // their name (`HTTPError: message`).
                if !hasPrototype, let name = Self.errorName(fromStack: error.stack, message: error.message) {
                    error.name = name
                }
                objects[id] = .error(error)
                return .error(error)
            case Tag.ErrorField.message: error.message = try readString()
            case Tag.ErrorField.stack: error.stack = try readString()
            case Tag.ErrorField.cause:
                error.cause = try readValue(at: .key("cause"))
            default:
                guard let name = Tag.ErrorField.prototypes[tag] else {
                    throw Unwinding.malformed("an error field with tag 0x\(String(tag, radix: 16))")
                }
                error.name = name
                hasPrototype = true
            }
        }
    }

    /// The name at the start of a stack that begins `name: message` (or `name` alone when the
    /// message is empty), when it is an identifier.
    private static func errorName(fromStack stack: String?, message: String) -> String? {
        guard let firstLine = stack?.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first
        else { return nil }
        let name: Substring
        if message.isEmpty {
            name = firstLine
        } else {
            guard firstLine.hasSuffix(": " + message) else { return nil }
            name = firstLine.dropLast(message.count + 2)
        }
        return !name.isEmpty && ValuePath.isIdentifier(String(name)) ? String(name) : nil
    }

    private mutating func readRegExp() throws(Unwinding) -> JSValue {
        let id = beginObject()
        let source = try readString()
        let bits = UInt32(truncatingIfNeeded: try readVarint())
        let flags = String(Tag.regExpFlags.filter { bits & $0.bit != 0 }.map(\.character))
        objects[id] = .regExp(JSRegExp(source, flags: flags))
        return objects[id]!
    }

    /// A sign bit and a byte length in one varint, then the magnitude, least significant first.
    private mutating func readBigInt() throws(Unwinding) -> JSBigInt {
        let bitfield = try readVarint()
        let length = Int(bitfield >> 1)
        guard length <= bytes.count - position else {
            throw Unwinding.malformed("a BigInt runs past the end of the data")
        }
        var words = [UInt64](repeating: 0, count: (length + 7) / 8)
        for index in 0..<length {
            words[index / 8] |= UInt64(bytes[position + index]) << (8 * UInt64(index % 8))
        }
        position += length
        return JSBigInt(isNegative: bitfield & 1 == 1, words: words)
    }

    // MARK: - Binary data

    /// `count` bytes of the data, as a `Data` of their own: shared with the data's owner when
    /// there is one and they are a large part of the data, else copied.
    private mutating func readRawBytes(_ count: Int) throws(Unwinding) -> Data {
        guard count <= bytes.count - position else {
            throw Unwinding.malformed("binary data runs past the end of the data")
        }
        defer { position += count }
        return data(at: position, count: count)
    }

    private mutating func data(at start: Int, count: Int) -> Data {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<start + count])
        // Sharing a small part would keep all of the data alive for it.
        guard count >= Self.sharedBytesMinimum, count >= bytes.count / 4, let owner = adoptedSource(),
            let base = slice.baseAddress
        else { return Data(slice) }
        return SharedBytes(base: base, owner: owner).data(at: 0, count: count)
    }

    /// The object that keeps the data alive, once asked for; `nil` when the data has no owner.
    private mutating func adoptedSource() -> (any AnyObject & Sendable)? {
        guard let adoptBytes else { return nil }
        let owner = sourceOwner ?? adoptBytes()
        sourceOwner = owner
        return owner
    }

    /// The smallest binary data shared rather than copied.
    package static let sharedBytesMinimum = 64 << 10

    /// The smallest view of a buffer used more than once that shares the buffer's bytes rather
    /// than copying its own: a smaller `Data` holds its bytes in no more room than a shared one.
    static let sharedViewMinimum = 64

    /// An ArrayBuffer: its length and bytes (a resizable one also has a maximum length). Read
    /// only when needed: when a view follows (as for every typed array), only the view's bytes.
    @inline(never)  // kept out of `readValue`, whose frame every nested value pays for
    private mutating func readArrayBuffer(resizable: Bool) throws(Unwinding) -> JSValue {
        let length: Int
        if resizable {
            // The length, then the maximum length (which a JSBytes does not keep), then the
            // bytes: the length is checked against the data once both are read.
            let declared = try readVarint()
            let maximum = try readVarint()
            guard declared <= maximum else {
                throw Unwinding.malformed(
                    "a resizable ArrayBuffer of \(declared) bytes is longer than its maximum, \(maximum)")
            }
            length = try checkedLength(declared)
        } else {
            length = try readLength()
        }
        let id = beginObject()
        objects[id] = .undefined  // a placeholder: `buffers` says where the buffer is
        buffers[id] = BufferSource(range: position..<position + length)
        position += length
        return try readBuffer(id)
    }

    /// The buffer `id`, or the view that follows it.
    private mutating func readBuffer(_ id: Int) throws(Unwinding) -> JSValue {
        if peekByte() == Tag.arrayBufferView {
            position += 1
            return try readView(of: id)
        }
        if case .bytes = objects[id] { return objects[id]! }
        let range = buffers[id]!.range
        let buffer = JSValue.bytes(JSBytes(.arrayBuffer, data: bufferData(id, at: 0, count: range.count))!)
        objects[id] = buffer
        return buffer
    }

    /// A typed array or a DataView over buffer `id`: its element type, offset and length, and
    /// from version 14 on, flags (whether it tracks a resizable buffer's length).
    private mutating func readView(of id: Int) throws(Unwinding) -> JSValue {
        let tag = try readByte()
        let offset = try readVarint()
        let length = try readVarint()
        if version >= 14 { _ = try readVarint() }
        guard let kind = Tag.viewKinds[tag] else {
            throw Unwinding.malformed("an ArrayBuffer view with element tag 0x\(String(tag, radix: 16))")
        }
        let size = buffers[id]!.range.count
        guard offset <= UInt64(size), length <= UInt64(size) - offset,
            let view = JSBytes(kind, data: bufferData(id, at: Int(offset), count: Int(length)))
        else { throw Unwinding.malformed("a \(kind.name) outside its buffer or not a whole number of elements") }
        return remember(.bytes(view))
    }

    /// `count` bytes at `offset` in buffer `id`, for the buffer itself or a view. The first use
    /// of a buffer copies (or shares) only what it asks for; from the second on, every use
    /// shares one copy of the whole buffer (or the data itself, when the buffer is a large part
    /// of data that has an owner). So a hundred views of one buffer hold it once, not a hundred
    /// times: what the data holds once, Swift holds at most twice.
    private mutating func bufferData(_ id: Int, at offset: Int, count: Int) -> Data {
        var source = buffers[id]!
        source.uses += 1
        defer { buffers[id] = source }
        let start = source.range.lowerBound + offset
        if source.uses == 1 { return data(at: start, count: count) }
        if count < Self.sharedViewMinimum {
            return Data(UnsafeRawBufferPointer(rebasing: bytes[start..<start + count]))
        }
        if source.shared == nil {
            let whole = UnsafeRawBufferPointer(rebasing: bytes[source.range])
            if whole.count >= Self.sharedBytesMinimum, whole.count >= bytes.count / 4, let owner = adoptedSource(),
                let base = whole.baseAddress
            {
                source.shared = SharedBytes(base: base, owner: owner)
            } else {
                source.shared = SharedBytes(copying: whole)
            }
        }
        return source.shared!.data(at: offset, count: count)
    }

    /// In a runtime, a function handle; in Node's output, a typed array (Node writes them as
    /// host objects: the index of their type, the byte length, the bytes).
    private mutating func readHostObject() throws(Unwinding) -> JSValue {
        let id = beginObject()
        let value: JSValue
        if let hostObject {
            value = hostObject(UInt32(truncatingIfNeeded: try readVarint()))
        } else {
            let index = try readVarint()
            let length = try readLength()
            guard index < UInt64(Tag.nodeViewKinds.count),
                let view = JSBytes(Tag.nodeViewKinds[Int(index)], data: try readRawBytes(length))
            else { throw Unwinding(.unsupported("a host object")) }
            value = .bytes(view)
        }
        objects[id] = value
        return value
    }

    // MARK: - Strings

    /// Latin-1 text, one byte per character.
    private mutating func readOneByteString() throws(Unwinding) -> String {
        let length = try readLength()
        let start = position
        position += length
        return V8Text.string(latin1: UnsafeRawBufferPointer(rebasing: bytes[start..<start + length]))
    }

    /// UTF-16 text, little-endian. Lone surrogates become U+FFFD, since `String` holds only
    /// valid Unicode.
    private mutating func readTwoByteString() throws(Unwinding) -> String {
        let length = try readLength()
        guard length % 2 == 0 else { throw Unwinding.malformed("a two-byte string has an odd byte length") }
        let start = position
        position += length
        return V8Text.string(utf16LittleEndian: UnsafeRawBufferPointer(rebasing: bytes[start..<start + length]))
    }

    /// A string, where only a string may be (a message, a stack, a pattern, a boxed string).
    /// Only a string's tags are read here, as V8's deserializer does: reading any value would
    /// let data nest one such place in another (a RegExp whose pattern is a RegExp, 50,000
    /// times) without passing through a container, and so past the depth guard.
    @inline(never)  // kept out of `readValue`, whose frame every nested value pays for
    private mutating func readString() throws(Unwinding) -> String {
        var tag = try readByte()
        while tag == Tag.padding { tag = try readByte() }
        switch tag {
        case Tag.oneByteString: return try readOneByteString()
        case Tag.twoByteString: return try readTwoByteString()
        case Tag.utf8String: return try readUTF8String()
        default:
            throw Unwinding.malformed("a value that should be a string is not one (tag 0x\(String(tag, radix: 16)))")
        }
    }

    private mutating func readUTF8String() throws(Unwinding) -> String {
        let length = try readLength()
        let start = position
        position += length
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + length]), as: UTF8.self)
    }

    // MARK: - Paths

    /// Reads a value inside a container; a failure in it adds `step` to its path on its way out,
    /// so the path costs nothing until something fails.
    @inline(__always)
    private mutating func readValue(at step: @autoclosure () -> ValuePath.Component) throws(Unwinding) -> JSValue {
        do {
            return try readValue()
        } catch {
            throw error.inside(step())
        }
    }
}

/// A failure on its way out of the nested values: what went wrong, and the steps from the
/// value that failed back up to the top, innermost first.
private struct Unwinding: Error {
    enum Problem {
        case malformed(String)
        case unsupported(String)
        case cycle
        case tooDeep(limit: Int)
        case tooLarge(limit: Int, size: Int)
    }

    let problem: Problem
    var reversedPath: [ValuePath.Component] = []

    init(_ problem: Problem) { self.problem = problem }

    static func malformed(_ reason: String) -> Unwinding { Unwinding(.malformed(reason)) }

    consuming func inside(_ step: ValuePath.Component) -> Unwinding {
        reversedPath.append(step)
        return self
    }

    var failure: V8SerializationError {
        let path = ValuePath.describe(reversedPath.reversed())
        return switch problem {
        case .malformed(let reason): .malformed(reason)
        case .unsupported(let kind): .unsupported(kind, path: path)
        case .cycle: .cycle(path: path)
        case .tooDeep(let limit): .tooDeep(limit: limit, path: path)
        case .tooLarge(let limit, let size): .tooLarge(limit: limit, size: size)
        }
    }
}

private typealias Tag = V8Tag

extension Int {
    /// The smallest power of two at least this (a positive number).
    fileprivate var roundedUpToPowerOfTwo: Int { 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}

/// Whether `count` bytes at `a` and `b` are equal; keys are short, so a plain loop.
@inline(__always)
private func memoryEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    for offset in 0..<count
    where a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) {
        return false
    }
    return true
}

/// The values of the objects being read, innermost last, moved in and out rather than copied:
/// each object takes its values off the top into storage of its exact size.
private struct ValueStack: ~Copyable {
    private var base = UnsafeMutablePointer<JSValue>.allocate(capacity: 16)
    private var capacity = 16
    private(set) var count = 0

    mutating func push(_ value: consuming JSValue) {
        if count == capacity {
            let grown = UnsafeMutablePointer<JSValue>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: value)
        count += 1
    }

    /// The top `n` values, in the order they were pushed.
    mutating func pop(_ n: Int) -> ContiguousArray<JSValue> {
        count -= n
        let start = base + count
        // Made with `repeating:`, which the compiler specializes for `JSValue`: the unsafe
        // initializer looks up the storage's generic metadata on every call. `.undefined` owns
        // nothing, so the moved values may take its place without it being destroyed first.
        var values = ContiguousArray<JSValue>(repeating: .undefined, count: n)
        values.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.moveInitialize(from: start, count: n)
        }
        return values
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// The keys of an object, to compare the next objects with: the keys, the bytes each is written
/// as (a one-byte string; none for a key written otherwise), one after the other, and where
/// each one ends. A class, so that holding one while reading an object is one retain.
private final class Shape {
    let keys: ContiguousArray<String>
    private let keyBytes: [UInt8]
    private let keyEnds: [Int]

    convenience init() { self.init([]) }

    init(_ keys: some Collection<String>) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for key in keys {
            let utf8 = key.utf8
            if utf8.count < 0x80 && utf8.allSatisfy({ $0 < 0x80 }) {
                bytes.append(V8Tag.oneByteString)
                bytes.append(UInt8(utf8.count))
                bytes.append(contentsOf: utf8)
            }
            ends.append(bytes.count)
        }
        self.keys = ContiguousArray(keys)
        self.keyBytes = bytes
        self.keyEnds = ends
    }

    /// The length of key `index` when `data` holds exactly its bytes at `position`.
    func keyLength(at index: Int, in data: UnsafeRawBufferPointer, from position: Int) -> Int? {
        guard index < keyEnds.count else { return nil }
        let start = index == 0 ? 0 : keyEnds[index - 1]
        let length = keyEnds[index] - start
        guard length > 0, length <= data.count - position else { return nil }
        return keyBytes.withUnsafeBytes { shape in
            memoryEqual(shape.baseAddress! + start, data.baseAddress! + position, length) ? length : nil
        }
    }
}

/// A sparse array being read, and the slots of its storage not taken yet: those counted
/// toward the limit as holes in advance (`chargedSlots`), and those kept for elements that the
/// rest of the data may hold (`promisedSlots`), which count toward nothing but the data. Its
/// storage is allocated at most twice: room for elements at first, then, at its first hole
/// past that, its whole length. So what the storage holds of the limit, it holds once.
private struct SparseArray {
    var elements: [JSValue] = []
    let length: Int
    var chargedSlots = 0
    var promisedSlots = 0

    init(length: Int) { self.length = length }
}

/// An ArrayBuffer in the data: where its bytes are, how many times the value used it (the buffer
/// itself, or a view of it), and the bytes its uses share once it was used twice.
private struct BufferSource {
    let range: Range<Int>
    var uses = 0
    var shared: SharedBytes?
}

/// Bytes that many `Data` values share without copying them: memory that `owner` keeps alive
/// (the data a runtime wrote, or a copy of one buffer of it).
private struct SharedBytes {
    let base: UnsafeRawPointer
    let owner: any AnyObject & Sendable

    init(base: UnsafeRawPointer, owner: any AnyObject & Sendable) {
        self.base = base
        self.owner = owner
    }

    /// A copy of `bytes`, to share.
    init(copying bytes: UnsafeRawBufferPointer) {
        let copy = BytesCopy(bytes)
        self.init(base: UnsafeRawPointer(copy.memory), owner: copy)
    }

    /// `count` bytes at `offset`, as a `Data` that starts at index 0 and keeps the owner alive.
    func data(at offset: Int, count: Int) -> Data {
        guard count > 0 else { return Data() }
        let owner = self.owner
        return Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: base + offset), count: count,
            deallocator: .custom { _, _ in withExtendedLifetime(owner) {} })
    }
}

/// Memory of its own holding a copy of some bytes, freed with the last `Data` that shares it.
private final class BytesCopy: Sendable {
    nonisolated(unsafe) let memory: UnsafeMutableRawPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        memory = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let base = bytes.baseAddress { memory.copyMemory(from: base, byteCount: bytes.count) }
    }

    deinit { memory.deallocate() }
}
