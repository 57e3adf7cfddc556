import CJSRunV8
import JSRunConvert

// What a host function answers JavaScript (cv8_host_reply), on the runtime thread. A primitive
// goes as a scalar, a small object or array of primitives as its members (the shim makes it
// without V8's deserializer, whose set-up alone costs more than the rest of such a call), and
// anything else in V8's format.

extension Engine {
    /// The answer of an async call: nothing yet.
    static var pending: cv8_host_reply {
        var reply = cv8_host_reply()
        reply.status = Int32(CV8_PENDING.rawValue)
        return reply
    }

    /// A value as the shim takes it back from the host; what it points to lives in `replies`
    /// until the next reply.
    func reply(_ value: JSValue) -> cv8_host_reply {
        var reply = cv8_host_reply()
        reply.status = Int32(CV8_OK.rawValue)
        let maxBytes = config.conversionLimits.maxBytes
        if case .number(let number) = value {  // the most common answer, first
            reply.form = UInt8(CV8_REPLY_SCALAR.rawValue)
            reply.scalar.kind = UInt8(CV8_SCALAR_NUMBER.rawValue)
            reply.scalar.number = number
        } else if value.isScalar && value.serializedTextBytes <= maxBytes {
            replies.start(textBytes: value.scalarTextBytes)
            reply.form = UInt8(CV8_REPLY_SCALAR.rawValue)
            reply.scalar = replies.scalar(value)
        } else if let form = replies.members(of: value, count: &reply.count, maxBytes: maxBytes) {
            reply.form = UInt8(form.rawValue)
            reply.members = UnsafePointer(replies.members.baseAddress)
        } else {
            // Also what a string or members past the byte limit take: the writer says so.
            let storage = replies
            storage.startBytes()
            do {
                try V8ValueWriter.encode(
                    value, into: &storage.bytes, limits: config.conversionLimits, functionID: functionID)
            } catch {
                return self.reply(RuntimeError.conversion(error.description), name: "TypeError")
            }
            reply.form = UInt8(CV8_REPLY_SERIALIZED.rawValue)
            (reply.data, reply.length) = storage.bytes.withUnsafeBufferPointer { ($0.baseAddress, $0.count) }
        }
        return reply
    }

    /// A Swift error as JavaScript sees it: an Error named after the Swift type (or the
    /// JavaScript error it is), with the error's description as its message.
    func reply(_ error: any Error, name: String? = nil) -> cv8_host_reply {
        var errorName = name ?? String(describing: type(of: error))
        var message = String(describing: error)
        if let javaScriptError = error as? JavaScriptError {
            errorName = javaScriptError.name ?? "Error"
            message = javaScriptError.message
        }
        var reply = cv8_host_reply()
        reply.status = Int32(CV8_EXCEPTION.rawValue)
        // First: dropping the oldest kept error may run a deinit, which must not find the
        // storage half written.
        // The runtime's own TypeErrors (an unknown op) are not kept: their Swift type is
        // internal, so uncaught they reach Swift as the JavaScriptError they are.
        reply.error_id = error is HostTypeError ? 0 : keep(KeptError(error: error, name: errorName, message: message))
        let storage = replies
        storage.start(textBytes: message.utf8.count + errorName.utf8.count)
        let text = storage.scalar(.string(message))
        let nameText = storage.scalar(.string(errorName))
        reply.data = UnsafeRawPointer(text.string)?.assumingMemoryBound(to: UInt8.self)
        reply.length = text.length
        reply.name = nameText.string
        reply.name_length = nameText.length
        return reply
    }

    private func keep(_ error: KeptError) -> UInt32 {
        let id = host.nextErrorID
        host.nextErrorID = id == .max ? 1 : id + 1  // 0 stands for no error
        host.errors[id] = error
        host.errorOrder.append(id)
        if host.errorOrder.count > Self.keptErrors { host.errors[host.errorOrder.removeFirst()] = nil }
        return id
    }

    /// The Swift error that the last exception stands for, if it is one thrown into JavaScript
    /// and `thrown`, what JavaScript made of it, still has the name and message the host gave
    /// it. An error whose name or message JavaScript changed is JavaScript's own: `thrown`.
    func originalHostError(unlessChanged thrown: JavaScriptError) -> (any Error)? {
        let id = cv8_last_host_error(isolate)
        guard id != 0, let kept = host.errors[id], thrown.name == kept.name, thrown.message == kept.message else {
            return nil
        }
        return kept.error
    }
}

/// Where a reply's strings, members and bytes live until the shim has read them: memory at
/// stable addresses, reused from reply to reply.
final class ReplyStorage {
    /// Room for the members of the largest object reply: a key and a value each.
    let members = UnsafeMutableBufferPointer<cv8_scalar>.allocate(capacity: 2 * Int(CV8_MAX_MEMBERS))
    /// A value in V8's format.
    var bytes: [UInt8] = []
    /// The UTF-8 of the reply's strings, one after the other.
    private var text = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 1)
    private var textUsed = 0

    deinit {
        members.deallocate()
        text.deallocate()
    }

    /// Starts a reply whose strings take `textBytes` bytes in all. Memory grown for a large
    /// answer is given back at the next answer that fits in ``keptCapacity``.
    func start(textBytes: Int) {
        textUsed = 0
        let grow = textBytes > text.count
        let shrink = text.count > Self.keptCapacity && textBytes <= Self.keptCapacity
        guard grow || shrink else { return }
        text.deallocate()
        text = .allocate(byteCount: grow ? max(textBytes, 2 * text.count) : Self.keptCapacity, alignment: 1)
    }

    /// The most memory kept for text, or for bytes, between answers.
    static let keptCapacity = 1 << 20

    /// How many bytes of text the storage holds now.
    var textCapacity: Int { text.count }

    /// Empties `bytes` for the next answer in V8's format, giving back what a large answer grew.
    func startBytes() {
        if bytes.capacity > Self.keptCapacity { bytes = [] }
    }

    /// A primitive (`isScalar`) as the shim takes it; a string's UTF-8 is copied here.
    func scalar(_ value: JSValue) -> cv8_scalar {
        var scalar = cv8_scalar()
        let kind: cv8_scalar_kind
        switch value {
        case .null: kind = CV8_SCALAR_NULL
        case .bool(let bool): kind = bool ? CV8_SCALAR_TRUE : CV8_SCALAR_FALSE
        case .number(let number):
            kind = CV8_SCALAR_NUMBER
            scalar.number = number
        case .string(let string):
            kind = CV8_SCALAR_STRING
            scalar.string = copy(string)
            scalar.length = string.utf8.count
        default: kind = CV8_SCALAR_UNDEFINED
        }
        scalar.kind = UInt8(kind.rawValue)
        return scalar
    }

    /// At most what V8's format takes for a scalar besides its text (a tag, and a double or a
    /// length): the byte limit bounds members as it bounds the same value serialized.
    static let bytesPerScalar = 10

    /// Fills `members` with a small object's keys and values, or a small array's elements,
    /// when they are all primitives and take at most `maxBytes` in V8's format; returns the
    /// form, or `nil` for any other value (the writer then says why).
    func members(of value: JSValue, count: inout Int, maxBytes: Int) -> cv8_reply_form? {
        switch value {
        case .object(let object) where object.count <= CV8_MAX_MEMBERS:
            let keys = object.keysInPlace
            let values = object.valuesInPlace
            guard let valueBytes = Self.scalarBytes(values),
                let keyBytes = Self.scalarBytes(keys.lazy.map { .string($0) }),
                keyBytes.serialized + valueBytes.serialized <= maxBytes
            else { return nil }
            start(textBytes: keyBytes.text + valueBytes.text)
            for (index, (key, value)) in zip(keys, values).enumerated() {
                members[2 * index] = scalar(.string(key))
                members[2 * index + 1] = scalar(value)
            }
            count = object.count
            return CV8_REPLY_OBJECT
        case .array(let elements) where elements.count <= CV8_MAX_MEMBERS:
            guard let bytes = Self.scalarBytes(elements), bytes.serialized <= maxBytes else { return nil }
            start(textBytes: bytes.text)
            for (index, element) in elements.enumerated() { members[index] = scalar(element) }
            count = elements.count
            return CV8_REPLY_ARRAY
        default:
            return nil
        }
    }

    /// What `values` take as members: the UTF-8 of their text, and what V8's format would take
    /// for them, or more; `nil` when one is not a scalar.
    private static func scalarBytes(_ values: some Sequence<JSValue>) -> (text: Int, serialized: Int)? {
        var text = 0
        var serialized = 0
        for value in values {
            guard value.isScalar else { return nil }
            text += value.scalarTextBytes
            serialized += value.serializedTextBytes + bytesPerScalar
        }
        return (text, serialized)
    }

    /// Copies `string`'s UTF-8 after the text already there (``start(textBytes:)`` made room).
    private func copy(_ string: String) -> UnsafePointer<CChar> {
        let destination = text.baseAddress! + textUsed
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { source in
            if let base = source.baseAddress { destination.copyMemory(from: base, byteCount: source.count) }
        }
        if copied == nil {
            for (offset, byte) in string.utf8.enumerated() {
                destination.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
            }
        }
        textUsed += string.utf8.count
        return UnsafePointer(destination.assumingMemoryBound(to: CChar.self))
    }
}

extension JSValue {
    /// Whether the shim takes this value as a cv8_scalar: a primitive other than a BigInt.
    fileprivate var isScalar: Bool {
        switch self {
        case .undefined, .null, .bool, .number, .string: true
        default: false
        }
    }

    /// The UTF-8 bytes a scalar's text takes.
    fileprivate var scalarTextBytes: Int {
        if case .string(let string) = self { string.utf8.count } else { 0 }
    }

    /// What a scalar's text takes in V8's format, or more: for the byte limit.
    fileprivate var serializedTextBytes: Int {
        if case .string(let string) = self { string.serializedBytes } else { 0 }
    }
}

extension String {
    /// What this string takes in V8's format, or more: a byte a character when it is ASCII,
    /// else two bytes a UTF-16 unit (Latin-1 takes one, but counting two only sends such a
    /// string to the writer, which applies the limit exactly).
    fileprivate var serializedBytes: Int {
        let units = utf16.count  // as quick as utf8.count for ASCII, the common case
        return units == utf8.count ? units : 2 * units
    }
}
