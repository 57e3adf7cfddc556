/// Decodes `Decodable` Swift values from ``JSValue``s, as `JSONDecoder` does from JSON.
///
/// ```swift
/// struct User: Decodable { var name: String; var age: Int; var nickname: String? }
/// let user = try JSValueDecoder().decode(User.self, from: ["name": "Ada", "age": 36])
/// ```
///
/// The rules:
/// - `null` and `undefined` decode as `nil` into an optional, and a missing property too.
/// - A number decodes into `Double` and `Float` as it is, and into an integer type only when it
///   is integral and in range: `3.5` or `1e20` into an `Int` is an error that says so.
/// - ``JSValue``, ``JSObject`` and ``JSFunction`` decode as they are, at any depth, so a type can
///   keep part of a value untyped, or hold a function.
///
/// Errors are `DecodingError`s whose coding path says where the value was, and whose
/// description names it the JavaScript way (`$.users[3].age`) together with what was found.
public struct JSValueDecoder: Sendable {
    /// Values given to every `Decodable` initialiser through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// A decoder with the default rules.
    public init() {}

    /// Decodes a value of type `type` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSValue) throws -> T {
        if let passthrough = value.passthrough(as: T.self) { return passthrough }
        return try T(from: ValueDecoder(value: value, codingPath: [], userInfo: userInfo))
    }
}

extension JSValue {
    /// `self` as `T` when `T` is `JSValue` or `JSObject`: those decode without the `Codable`
    /// machinery, and `undefined` survives.
    fileprivate func passthrough<T>(as type: T.Type) -> T? {
        if T.self == JSValue.self { return self as? T }
        if T.self == JSObject.self, case .object(let object) = self { return object as? T }
        if T.self == JSFunction.self, case .function(let function) = self { return function as? T }
        return nil
    }
}

/// The `Decoder` for one value; containers make a new one for each nested value.
private struct ValueDecoder: Decoder {
    let value: JSValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    init(value: JSValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw mismatch(JSObject.self, expected: "an object", found: value, at: codingPath)
        }
        return KeyedDecodingContainer(ObjectContainer(object: object, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw mismatch([JSValue].self, expected: "an array", found: value, at: codingPath)
        }
        return ArrayContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(decoder: self)
    }

    /// A decoder for a value nested under `key`.
    func nested(_ value: JSValue, at key: any CodingKey) -> ValueDecoder {
        ValueDecoder(value: value, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    /// Decodes `type` from a value nested under `key`, the one path every container takes.
    func decode<T: Decodable>(_ type: T.Type, from value: JSValue, at key: any CodingKey) throws -> T {
        if let passthrough = value.passthrough(as: T.self) { return passthrough }
        return try T(from: nested(value, at: key))
    }
}

// MARK: - Scalars

extension ValueDecoder {
    func decodeBool() throws -> Bool {
        guard case .bool(let bool) = value else {
            throw mismatch(Bool.self, expected: "a boolean", found: value, at: codingPath)
        }
        return bool
    }

    func decodeString() throws -> String {
        guard case .string(let string) = value else {
            throw mismatch(String.self, expected: "a string", found: value, at: codingPath)
        }
        return string
    }

    func decodeDouble(for type: Any.Type = Double.self) throws -> Double {
        guard case .number(let number) = value else {
            throw mismatch(type, expected: "a number", found: value, at: codingPath)
        }
        return number
    }

    func decodeFloat() throws -> Float {
        let number = try decodeDouble(for: Float.self)
        let float = Float(number)
        guard float.isFinite || !number.isFinite else {
            throw corrupted("\(JSValue.number(number)) is out of the range of Float", at: codingPath)
        }
        return float
    }

    /// An integer only from a number that is integral and in range, never by rounding.
    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let number = try decodeDouble(for: I.self)
        if let integer = I(exactly: number) { return integer }
        let reason = number.rounded() == number ? "out of the range of \(I.self)" : "not an integer"
        throw corrupted("\(JSValue.number(number)) is \(reason)", at: codingPath)
    }
}

// MARK: - Containers

private struct ObjectContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSObject
    let decoder: ValueDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(for key: Key) throws -> JSValue {
        guard let value = object[key.stringValue] else {
            let path = ValuePath.describe(codingPath + [key])
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "\(path) is missing: the object has no such key"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNullish }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decode(type, from: value(for: key), at: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.nested(value(for: key), at: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.nested(value(for: key), at: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        decoder.nested(object["super"] ?? .undefined, at: DynamicKey("super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.nested(object[key.stringValue] ?? .undefined, at: key)
    }
}

private struct ArrayContainer: UnkeyedDecodingContainer {
    let elements: [JSValue]
    let decoder: ValueDecoder
    var currentIndex = 0

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func current() throws -> JSValue {
        guard !isAtEnd else {
            let path = ValuePath.describe(codingPath + [IndexKey(currentIndex)])
            throw DecodingError.valueNotFound(
                JSValue.self,
                .init(
                    codingPath: codingPath,
                    debugDescription: "\(path) is missing: the array has \(elements.count) elements"))
        }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard try current().isNullish else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoded = try decoder.decode(type, from: current(), at: IndexKey(currentIndex))
        currentIndex += 1
        return decoded
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let container = try decoder.nested(current(), at: IndexKey(currentIndex)).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try decoder.nested(current(), at: IndexKey(currentIndex)).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let nested = try decoder.nested(current(), at: IndexKey(currentIndex))
        currentIndex += 1
        return nested
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNullish }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloat() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let passthrough = decoder.value.passthrough(as: T.self) { return passthrough }
        return try T(from: decoder)
    }
}

// MARK: - Errors

/// A value of the wrong kind; `null` or `undefined` where a value is needed is a missing value.
private func mismatch(_ type: Any.Type, expected: String, found value: JSValue, at codingPath: [any CodingKey])
    -> DecodingError
{
    if value.isNullish {
        let message = "\(ValuePath.describe(codingPath)) is \(value.kindName), not \(type)"
        return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: message))
    }
    let message = "\(ValuePath.describe(codingPath)): expected \(expected) for \(type), found \(value.kindName)"
    return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: message))
}

private func corrupted(_ reason: String, at codingPath: [any CodingKey]) -> DecodingError {
    .dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(ValuePath.describe(codingPath)): \(reason)"))
}
