#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `JSValue` works with any `Encoder` and `Decoder`, so a JavaScript value can be stored as JSON
/// or held in a `Codable` type. With ``JSValueEncoder`` and ``JSValueDecoder`` it passes through
/// unchanged; other coders see it as the matching JSON-like value, and refuse a function.
///
/// With other coders, each level of the value is a level of the stack: a value nested deeper
/// than the stack of the calling thread holds is an `EncodingError` or a `DecodingError`, as for
/// every conversion (see ``ConversionLimits/maxDepth``), rather than a crash.
extension JSValue: Codable {
    /// Encodes the value; `undefined` encodes as nil, the closest a general coder has. The kinds
    /// JSON lacks become what JSON can hold: a BigInt its decimal string, a `Date` a `Date` (an
    /// invalid one nil), an `ArrayBuffer`, `DataView` or `Uint8Array` its `Data`, other typed
    /// arrays their elements, a `Map` an array of `[key, value]` pairs, a `Set` an array, an
    /// `Error` an object with `name`, `message`, `stack` and `cause`, a `RegExp` `"/source/flags"`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .array, .object, .map, .set, .error:
            if Self.isStackLow {
                throw EncodingError.invalidValue(
                    self, .init(codingPath: encoder.codingPath, debugDescription: Self.tooDeep(encoder.codingPath)))
            }
        default: break
        }
        switch self {
        case .undefined, .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let bool):
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let object):
            try object.encode(to: encoder)
        case .function(let function):
            // A handle means nothing outside its runtime, so it is not written anywhere else.
            let message = "\(function) is a function handle, which only its runtime can hold"
            throw EncodingError.invalidValue(
                self, .init(codingPath: encoder.codingPath, debugDescription: message))
        case .bigInt(let bigInt):
            var container = encoder.singleValueContainer()
            try container.encode(bigInt.description)
        case .date(let date):
            var container = encoder.singleValueContainer()
            if let date = date.date { try container.encode(date) } else { try container.encodeNil() }
        case .bytes(let bytes) where bytes.kind.elementSize == 1 && bytes.kind != .int8Array:
            var container = encoder.singleValueContainer()
            try container.encode(bytes.data)
        case .bytes(let bytes):
            try JSValue.array(bytes.numbers.map { $0.bigIntValue.map { .string($0.description) } ?? $0 })
                .encode(to: encoder)
        case .map(let map):
            try JSValue.array(map.map { [$0.key, $0.value] }).encode(to: encoder)
        case .set(let elements):
            try JSValue.array(elements).encode(to: encoder)
        case .error(let error):
            var object: JSObject = ["name": .string(error.name), "message": .string(error.message)]
            if let stack = error.stack { object["stack"] = .string(stack) }
            if let cause = error.cause { object["cause"] = cause }
            try object.encode(to: encoder)
        case .regExp(let regExp):
            var container = encoder.singleValueContainer()
            try container.encode(regExp.description)
        }
    }

    /// Decodes whatever the decoder holds: nil as `null`, then a boolean, a number, a string,
    /// an array or an object, the first that fits.
    public init(from decoder: any Decoder) throws {
        if Self.isStackLow {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: Self.tooDeep(decoder.codingPath)))
        }
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .null
                return
            }
            if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
                return
            }
            if let number = try? container.decode(Double.self) {
                self = .number(number)
                return
            }
            if let string = try? container.decode(String.self) {
                self = .string(string)
                return
            }
        }
        if var container = try? decoder.unkeyedContainer() {
            var elements: [JSValue] = []
            while !container.isAtEnd { elements.append(try container.decode(JSValue.self)) }
            self = .array(elements)
            return
        }
        self = .object(try JSObject(from: decoder))
    }

    /// Whether the calling thread's stack has less than `ConversionLimits.stackReserve` left.
    private static var isStackLow: Bool { ThreadStack.room() < ConversionLimits.stackReserve }

    private static func tooDeep(_ codingPath: [any CodingKey]) -> String {
        "the value at depth \(codingPath.count) is nested deeper than the stack of this thread holds"
    }
}

extension JSObject: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for (key, value) in self { try container.encode(value, forKey: DynamicKey(key)) }
    }

    /// Decodes an object's properties, in the order the decoder lists its keys.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        self.init()
        for key in container.allKeys { self[key.stringValue] = try container.decode(JSValue.self, forKey: key) }
    }
}

// MARK: - The values of other kinds

/// A BigInt can be a property of a `Codable` type: ``JSValueEncoder`` and ``JSValueDecoder``
/// pass it through as a BigInt. Other coders write its decimal text (JSON numbers lose digits
/// beyond 2^53 in most readers), and read decimal text or an integer.
extension JSBigInt: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = JSBigInt(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a decimal integer"))
            }
            self = value
        } else if let integer = try? container.decode(Int64.self) {
            self.init(integer)
        } else {
            self.init(try container.decode(UInt64.self))
        }
    }
}

/// A JavaScript date can be a property of a `Codable` type: ``JSValueEncoder`` and
/// ``JSValueDecoder`` pass it through as a `Date`, invalid or not. Other coders see a `Date`
/// (with their own date strategy), and `nil` for an invalid date.
extension JSDate: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let date { try container.encode(date) } else { try container.encodeNil() }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .invalid : JSDate(try container.decode(Date.self))
    }
}

/// Binary data can be a property of a `Codable` type: ``JSValueEncoder`` and ``JSValueDecoder``
/// pass it through with its kind. Other coders see its bytes as `Data`, and read `Data` back
/// as a `Uint8Array`: the kind of a typed array does not survive them.
extension JSBytes: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(data)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Data.self))
    }
}

/// A `Map` can be a property of a `Codable` type: ``JSValueEncoder`` and ``JSValueDecoder`` pass
/// it through. Other coders see an array of `[key, value]` pairs, as `[...map]` gives in
/// JavaScript, and read it back.
extension JSMap: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for entry in entries {
            var pair = container.nestedUnkeyedContainer()
            try pair.encode(entry.key)
            try pair.encode(entry.value)
        }
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var pairs: [(JSValue, JSValue)] = []
        while !container.isAtEnd {
            var pair = try container.nestedUnkeyedContainer()
            pairs.append((try pair.decode(JSValue.self), try pair.decode(JSValue.self)))
        }
        self.init(pairs)
    }
}

/// An `Error` object can be a property of a `Codable` type: ``JSValueEncoder`` and
/// ``JSValueDecoder`` pass it through. Other coders see an object with `name`, `message`,
/// `stack` and `cause`; an object with a `message` (and the others, optional) reads back,
/// with ``JSValueDecoder`` too.
extension JSError: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, message, stack, cause
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(stack, forKey: .stack)
        try container.encodeIfPresent(cause, forKey: .cause)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "Error",
            message: try container.decode(String.self, forKey: .message),
            stack: try container.decodeIfPresent(String.self, forKey: .stack),
            cause: try container.decodeIfPresent(JSValue.self, forKey: .cause))
    }
}

/// A regular expression can be a property of a `Codable` type: ``JSValueEncoder`` and
/// ``JSValueDecoder`` pass it through. Other coders see its text, `/source/flags`, and read it
/// back.
extension JSRegExp: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.count >= 2, text.first == "/", let slash = text.lastIndex(of: "/"), slash != text.startIndex else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(text)\" is not a regular expression written /source/flags"))
        }
        self.init(
            String(text[text.index(after: text.startIndex)..<slash]), flags: String(text[text.index(after: slash)...]))
    }
}
