/// Writes a ``JSValue`` in V8's serialization format, version 15: what `v8::ValueDeserializer`
/// and Node's `v8.deserialize()` read, and what ``V8ValueReader`` reads back.
///
/// This is how values enter a runtime: Swift encodes the arguments of a call into a buffer and
/// the shim deserializes it, without a call into V8 per property.
///
/// The bytes are those `v8::ValueSerializer` writes for the same value, except where V8's
/// choice depends on how its heap holds the value; V8 reads both the same way (Node 20's V8 and
/// libnode's V8 10.2 were checked). Every array is dense (a ``JSValue`` has no holes); every
/// property key is a string, where V8 writes integer-like keys (`"0"`) as numbers; an integral
/// number is always `I` and a string as narrow as its characters allow, where V8 follows how it
/// stores them; and an object met twice is written twice, since a `JSValue` is a tree. As in
/// JavaScript, an object that reaches V8 lists its integer-like keys first, whatever the order
/// of the ``JSObject``.
///
/// A ``JSFunction`` is a handle into one runtime, so it is written as a host object (tag `\`)
/// carrying an id that the runtime chose (`functionID`); the runtime's deserializer delegate
/// reads the id back with `ReadUint32` and puts the real function there. Without a runtime to
/// ask, a function is refused with a failure that names where it was.
package enum V8ValueWriter {
    package typealias Failure = V8SerializationError

    /// Gives the id under which the runtime will find a function again. It runs on the thread
    /// that encodes, once for each function in the value, in the order they are written. It may
    /// throw ``V8SerializationError/function(reason:path:)`` with any path: it does not know
    /// where the function was found, so the writer replaces the path with its own.
    package typealias FunctionID = (JSFunction) throws(Failure) -> UInt32

    /// The deepest nesting accepted by default; the reader's, so that whatever one writes the
    /// other reads.
    package static let defaultLimits = ConversionLimits(maxDepth: V8ValueReader.defaultMaxDepth, maxBytes: .max)

    /// The most stack one level of the writer takes, with a margin: an object's in a release
    /// build (measured at 0.45 KiB), an error's with a cause in a debug build (4.2 KiB), a Map's
    /// under AddressSanitizer (4.4 KiB). `ConversionLimitsStackTests` measures it. The writer
    /// goes no deeper than the stack of its thread holds at this much a level
    /// (``ConversionLimits/maxDepth``).
    package static var stackBytesPerLevel: Int {
        ThreadStack.isAddressSanitized ? 6 << 10 : _isDebugAssertConfiguration() ? 5 << 10 : 640
    }

    /// The levels written before the stack is asked how many it holds: most values are never
    /// this deep, so they never ask. Eight levels take at most 48 KiB (under AddressSanitizer),
    /// within ``ConversionLimits/stackReserve``.
    static let uncheckedDepth = 8

    /// Why a function without a runtime cannot be written.
    package static let noRuntimeReason = "can only be passed to the runtime it came from"

    /// Encodes `value`, header included, into new bytes.
    package static func encode(
        _ value: JSValue, limits: ConversionLimits = defaultLimits, functionID: FunctionID? = nil
    ) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, into: &bytes, limits: limits, functionID: functionID)
        return bytes
    }

    /// Encodes `value`, header included, into `bytes`, replacing what it held but keeping its
    /// capacity, so that a buffer reused from call to call stops allocating once it is large
    /// enough. On failure `bytes` is empty (its capacity kept).
    ///
    /// The encoding starts at `bytes[0]` rather than after existing contents because V8 aligns
    /// two-byte strings relative to the start of the data, and this writer does the same.
    ///
    /// With `isArgumentList`, `value` is the array of a call's arguments: its own level does not
    /// count toward `limits.maxDepth`, so each argument may be as deep as any other value.
    ///
    /// A value deeper than `limits.maxDepth`, or than the stack of the calling thread holds
    /// from here, is ``V8SerializationError/tooDeep(limit:path:)``; one past what V8 can hold
    /// (a string, an array, binary data, a Map, a Set or a BigInt longer than V8 allows) is
    /// ``V8SerializationError/invalid(_:path:)``, whatever `limits.maxBytes` is; one past
    /// `limits.maxBytes` is ``V8SerializationError/tooLarge(limit:size:)``.
    package static func encode(
        _ value: JSValue, into bytes: inout [UInt8], limits: ConversionLimits = defaultLimits,
        isArgumentList: Bool = false, functionID: FunctionID? = nil
    ) throws(Failure) {
        bytes.removeAll(keepingCapacity: true)
        // Most arguments are small; one reservation covers them without growing step by step.
        bytes.reserveCapacity(64)
        var writer = Writer(
            bytes: [], maxDepth: limits.maxDepth, depthLimit: min(limits.maxDepth, uncheckedDepth),
            maxBytes: limits.maxBytes, functionID: functionID)
        // Move the buffer into the writer (and back) rather than copy it: it stays uniquely
        // referenced, so appending never copies it.
        swap(&bytes, &writer.bytes)
        defer { swap(&bytes, &writer.bytes) }
        writer.writeHeader()
        do {
            try writer.write(value, depth: isArgumentList ? -1 : 0)
        } catch {
            // Half an encoding is no use to anyone; an empty buffer cannot be sent by mistake.
            writer.bytes.removeAll(keepingCapacity: true)
            throw error.failure
        }
        if writer.bytes.count > limits.maxBytes {
            let size = writer.bytes.count
            writer.bytes.removeAll(keepingCapacity: true)
            throw .tooLarge(limit: limits.maxBytes, size: size)
        }
    }
}

/// The state of one encoding.
private struct Writer {
    var bytes: [UInt8]
    /// The limits' `maxDepth`.
    let maxDepth: Int
    /// How deep containers may go before ``checkDepth(_:)`` is asked: at first the
    /// `uncheckedDepth`, then `maxDepth` or the depth the stack holds if fewer.
    var depthLimit: Int
    var hasAskedTheStack = false
    /// Checked before each string and binary data is written, so that a value past the limit is
    /// refused before it is written whole (one string or buffer held many times takes its room
    /// once in Swift, but once per use in the format); the whole encoding is checked after.
    let maxBytes: Int
    let functionID: V8ValueWriter.FunctionID?

    // MARK: - Primitives of the format

    mutating func writeHeader() {
        bytes.append(Tag.version)
        bytes.append(Tag.latestVersion)
    }

    /// A base-128 varint, least significant group first.
    mutating func writeVarint(_ value: UInt32) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A length or count, which V8 reads in 32 bits. Every caller has checked it against V8's
    /// maximum for its kind first (``V8Maxima``), each below 2^32.
    mutating func writeCount(_ count: Int) {
        writeVarint(UInt32(truncatingIfNeeded: count))
    }

    /// Refuses `count` (elements, entries, bytes of the kind `what` names) past V8's `maximum`.
    @inline(__always)
    func check(_ count: Int, atMost maximum: Int, _ what: @autoclosure () -> String) throws(Unwinding) {
        if count > maximum { throw Unwinding(.invalid("is \(what()), more than V8 holds (\(maximum))")) }
    }

    // MARK: - Values

    /// Writes one value. A failure unwinds through the containers, each adding its step to the
    /// path, so the path costs nothing until something fails.
    mutating func write(_ value: JSValue, depth: Int) throws(Unwinding) {
        switch value {
        case .undefined: bytes.append(Tag.undefined)
        case .null: bytes.append(Tag.null)
        case .bool(let flag): bytes.append(flag ? Tag.true : Tag.false)
        case .number(let number): writeNumber(number)
        case .string(let string):
            try reserve(for: string)
            writeString(string)
        case .array(let elements):
            if depth >= depthLimit { try checkDepth(depth) }
            try writeArray(elements, depth: depth + 1)
        case .object(let object):
            if depth >= depthLimit { try checkDepth(depth) }
            try writeObject(object, depth: depth + 1)
        case .function(let function): try writeFunction(function)
        case .bigInt(let bigInt):
            bytes.append(Tag.bigInt)
            try writeBigInt(bigInt)
        case .date(let date):
            bytes.append(Tag.date)
            writeDouble(date.millisecondsSince1970)
        case .bytes(let binary): try writeBytes(binary)
        case .regExp(let regExp): try writeRegExp(regExp)
        case .map(let map):
            if depth >= depthLimit { try checkDepth(depth) }
            try writeMap(map, depth: depth + 1)
        case .set(let elements):
            if depth >= depthLimit { try checkDepth(depth) }
            try writeSet(elements, depth: depth + 1)
        case .error(let error):
            if depth >= depthLimit { try checkDepth(depth) }
            try writeError(error, depth: depth + 1)
        }
    }

    /// At the depth limit: the first time, asks the stack how many more levels it holds from
    /// here (the levels above took their share already); then refuses to go deeper.
    @inline(never)
    mutating func checkDepth(_ depth: Int) throws(Unwinding) {
        if !hasAskedTheStack {
            hasAskedTheStack = true
            let levels = ConversionLimits.levelsOnThisThread(bytesPerLevel: V8ValueWriter.stackBytesPerLevel)
            depthLimit = depth.addingReportingOverflow(levels).overflow ? maxDepth : min(maxDepth, depth + levels)
            if depth < depthLimit { return }
        }
        throw Unwinding(.tooDeep(limit: depthLimit))
    }

    /// An integral number in Int32's range as `I` and a zigzag varint, as V8 writes a small
    /// integer; anything else, `-0` included (which `Int32(exactly:)` would turn into 0), as `N`
    /// and the double's 8 bytes.
    mutating func writeNumber(_ number: Double) {
        if let integer = Int32(exactly: number), integer != 0 || number.sign == .plus {
            bytes.append(Tag.int32)
            writeVarint(UInt32(bitPattern: (integer << 1) ^ (integer >> 31)))
        } else {
            bytes.append(Tag.double)
            writeDouble(number)
        }
    }

    /// V8 writes a double in the machine's byte order, little-endian wherever it runs.
    mutating func writeDouble(_ number: Double) {
        withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Dense: the length, every element, no other property, and the length again.
    mutating func writeArray(_ elements: [JSValue], depth: Int) throws(Unwinding) {
        try check(elements.count, atMost: V8Maxima.arrayLength, "an array of \(elements.count) elements")
        bytes.append(Tag.beginDenseArray)
        writeCount(elements.count)
        for index in elements.indices {
            do {
                try write(elements[index], depth: depth)
            } catch {
                throw error.inside(.index(index))
            }
        }
        bytes.append(Tag.endDenseArray)
        writeVarint(0)
        writeCount(elements.count)
    }

    mutating func writeObject(_ object: JSObject, depth: Int) throws(Unwinding) {
        try check(object.count, atMost: V8Maxima.propertyCount, "an object of \(object.count) properties")
        bytes.append(Tag.beginObject)
        for (key, value) in object.storage {
            try reserve(for: key)
            writeString(key)
            do {
                try write(value, depth: depth)
            } catch {
                throw error.inside(.key(key))
            }
        }
        bytes.append(Tag.endObject)
        writeCount(object.count)
    }

    mutating func writeMap(_ map: JSMap, depth: Int) throws(Unwinding) {
        try check(map.count, atMost: V8Maxima.collectionCount, "a Map of \(map.count) entries")
        bytes.append(Tag.beginMap)
        for (index, entry) in map.entries.enumerated() {
            do {
                try write(entry.key, depth: depth)
            } catch {
                throw error.inside(.mapKey(index))
            }
            do {
                try write(entry.value, depth: depth)
            } catch {
                throw error.inside(.mapValue(index))
            }
        }
        bytes.append(Tag.endMap)
        writeCount(map.count * 2)
    }

    mutating func writeSet(_ elements: [JSValue], depth: Int) throws(Unwinding) {
        try check(elements.count, atMost: V8Maxima.collectionCount, "a Set of \(elements.count) elements")
        bytes.append(Tag.beginSet)
        for index in elements.indices {
            do {
                try write(elements[index], depth: depth)
            } catch {
                throw error.inside(.setElement(index))
            }
        }
        bytes.append(Tag.endSet)
        writeCount(elements.count)
    }

    /// The class when V8 keeps it, the message, the cause and the stack, in V8's order.
    mutating func writeError(_ error: JSError, depth: Int) throws(Unwinding) {
        bytes.append(Tag.error)
        if let prototype = Tag.ErrorField.prototypes.first(where: { $0.value == error.name }) {
            bytes.append(prototype.key)
        }
        bytes.append(Tag.ErrorField.message)
        try reserve(for: error.message)
        writeString(error.message)
        if let cause = error.cause {
            bytes.append(Tag.ErrorField.cause)
            do {
                try write(cause, depth: depth)
            } catch {
                throw error.inside(.key("cause"))
            }
        }
        if let stack = error.stack {
            bytes.append(Tag.ErrorField.stack)
            try reserve(for: stack)
            writeString(stack)
        }
        bytes.append(Tag.ErrorField.end)
    }

    mutating func writeRegExp(_ regExp: JSRegExp) throws(Unwinding) {
        var bits: UInt32 = 0
        for character in regExp.flags {
            guard let flag = Tag.regExpFlags.first(where: { $0.character == character }) else {
                throw Unwinding(.invalid("has a regular expression flag JavaScript does not know: \(character)"))
            }
            bits |= flag.bit
        }
        bytes.append(Tag.regExp)
        try reserve(for: regExp.source)
        writeString(regExp.source)
        writeVarint(bits)
    }

    /// The sign and the byte length in one varint, then the magnitude, least significant first.
    /// V8 aborts the process when it reads a BigInt longer than it allows, so a longer one is
    /// refused here.
    mutating func writeBigInt(_ bigInt: JSBigInt) throws(Unwinding) {
        let words = bigInt.words.count
        if words > V8Maxima.bigIntWords {
            let bits = words * 64 - bigInt.words[words - 1].leadingZeroBitCount
            throw Unwinding(
                .invalid("is a BigInt of \(bits) bits, more than V8 holds (\(V8Maxima.bigIntWords * 64) bits, 2^30)"))
        }
        // At most 2^27 bytes: the length and the sign fit in 32 bits.
        writeVarint(UInt32(words * 8) << 1 | (bigInt.isNegative ? 1 : 0))
        for word in bigInt.words {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// An ArrayBuffer with the bytes; a view adds its element type, offset 0, its length and no
    /// flags after its own buffer.
    mutating func writeBytes(_ binary: JSBytes) throws(Unwinding) {
        try reserve(binary.data.count)
        try check(binary.data.count, atMost: V8Maxima.byteLength, "binary data of \(binary.data.count) bytes")
        bytes.append(Tag.arrayBuffer)
        writeCount(binary.data.count)
        bytes.append(contentsOf: binary.data)
        guard let viewTag = Tag.viewTags[binary.kind] else { return }
        bytes.append(Tag.arrayBufferView)
        bytes.append(viewTag)
        writeVarint(0)
        writeCount(binary.data.count)
        writeVarint(0)
    }

    mutating func writeFunction(_ function: JSFunction) throws(Unwinding) {
        guard let functionID else { throw Unwinding(.function(reason: V8ValueWriter.noRuntimeReason)) }
        let id: UInt32
        do {
            id = try functionID(function)
        } catch {
            throw Unwinding(error)
        }
        bytes.append(Tag.hostObject)
        writeVarint(id)
    }

    // MARK: - Strings

    /// Latin-1 (`"`) when every UTF-16 unit fits in a byte, as V8 writes its one-byte strings;
    /// UTF-16 (`c`) otherwise. Both are computed from the string's UTF-8 without an
    /// intermediate array (see `V8Text`).
    mutating func writeString(_ string: String) {
        // A native string lends its UTF-8 as it is; `withUTF8` is mutating, and a copy of the
        // string to call it on costs a retain and a release.
        let lent: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in writeString(utf8: utf8) }
        if lent == nil {
            var string = string
            string.withUTF8 { utf8 in writeString(utf8: utf8) }
        }
    }

    private mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
        switch V8Text.width(utf8: utf8) {
        case .latin1(let count):
            bytes.append(Tag.oneByteString)
            writeCount(count)
            // ASCII is Latin-1 already.
            if count == utf8.count { return bytes.append(contentsOf: utf8) }
            fill(count) { out in V8Text.writeLatin1(utf8: utf8, into: out) }
        case .utf16(let units):
            writeTwoByteString(utf8: utf8, units: units)
        }
    }

    /// UTF-16, little-endian. V8 reads it wherever it is, but aligns it to an even offset from
    /// the start of the data with a padding byte; doing the same keeps the bytes identical to
    /// V8's own.
    private mutating func writeTwoByteString(utf8: UnsafeBufferPointer<UInt8>, units: Int) {
        // At most 2^30 bytes: `reserve(for:)` refused longer strings.
        let byteLength = UInt32(units * 2)
        if (bytes.count + 1 + Self.varintSize(byteLength)) & 1 == 1 { bytes.append(Tag.padding) }
        bytes.append(Tag.twoByteString)
        writeVarint(byteLength)
        fill(units * 2) { out in V8Text.writeUTF16LittleEndian(utf8: utf8, into: out) }
    }

    /// Strings shorter than this are not checked one by one: they are left to the check of the
    /// whole encoding (held many times, they pass the limit by at most this much a use), and a
    /// check per key and value cost a third of writing 20,000 small rows.
    static let shortString = 256

    /// Refuses a long string that would take the encoding past `maxBytes`: it takes at least
    /// half a byte per byte of UTF-8 (two UTF-8 bytes for one Latin-1 byte). Refuses one longer
    /// than V8's longest too, which would otherwise overflow the format's 32-bit lengths.
    @inline(__always)
    private func reserve(for string: String) throws(Unwinding) {
        let count = string.utf8.count
        if count >= Self.shortString {
            try reserve(count / 2)
            // Never more UTF-16 code units than UTF-8 bytes: most strings need no count.
            if count > V8Maxima.stringLength { try checkLength(of: string) }
        }
    }

    @inline(never)
    private func checkLength(of string: String) throws(Unwinding) {
        let units = string.utf16.count
        try check(units, atMost: V8Maxima.stringLength, "a string of \(units) UTF-16 code units")
    }

    /// Refuses what would take the encoding past `maxBytes` with `count` more bytes.
    @inline(__always)
    private func reserve(_ count: Int) throws(Unwinding) {
        guard count <= maxBytes - bytes.count else {
            let size = bytes.count.addingReportingOverflow(count)
            throw Unwinding(
                Unwinding.Problem.tooLarge(limit: maxBytes, size: size.overflow ? Int.max : size.partialValue))
        }
    }

    /// Appends `count` bytes that `initialize` writes in place, all of them.
    private mutating func fill(_ count: Int, _ initialize: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { all in
            initialize(UnsafeMutableBufferPointer(rebasing: all[start..<start + count]))
        }
    }

    private static func varintSize(_ value: UInt32) -> Int {
        var size = 1
        var value = value >> 7
        while value != 0 {
            size += 1
            value >>= 7
        }
        return size
    }
}

/// A failure on its way out of the nested values: what went wrong, and the steps from the
/// value that failed back up to the top, innermost first.
private struct Unwinding: Error {
    enum Problem {
        case function(reason: String)
        case tooDeep(limit: Int)
        case invalid(String)
        case tooLarge(limit: Int, size: Int)
    }

    let problem: Problem
    var reversedPath: [ValuePath.Component] = []

    init(_ problem: Problem) { self.problem = problem }

    /// A failure of the `functionID` closure, whose path the writer replaces with its own.
    init(_ failure: V8ValueWriter.Failure) {
        switch failure {
        case .function(let reason, _): problem = .function(reason: reason)
        case .tooDeep(let limit, _): problem = .tooDeep(limit: limit)
        default: problem = .invalid(failure.description)
        }
    }

    consuming func inside(_ step: ValuePath.Component) -> Unwinding {
        reversedPath.append(step)
        return self
    }

    var failure: V8ValueWriter.Failure {
        let path = ValuePath.describe(reversedPath.reversed())
        return switch problem {
        case .function(let reason): .function(reason: reason, path: path)
        case .tooDeep(let limit): .tooDeep(limit: limit, path: path)
        case .invalid(let reason): .invalid(reason, path: path)
        case .tooLarge(let limit, let size): .tooLarge(limit: limit, size: size)
        }
    }
}

private typealias Tag = V8Tag
