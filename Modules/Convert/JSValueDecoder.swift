#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
///   is integral and in range: `3.5` or `1e20` into an `Int` is an error that says so. A BigInt
///   decodes into any integer type it fits in.
/// - A `Date` decodes into `Date`; an `ArrayBuffer`, a typed array or a `DataView` into `Data`
///   and `[UInt8]` (its bytes), and a typed array into an array of its element type
///   (`Int32Array` into `[Int32]`) at once, or into any array whose elements its numbers fit.
/// - A `Map` decodes into a `Dictionary` whose keys are its keys decoded (`[Int: String]` from
///   `new Map([[1, "a"]])`); a `Set` into a `Set` or an array; an `Error` into any type with
///   its properties (`name`, `message`, `stack`, `cause`).
/// - ``JSValue``, ``JSObject``, ``JSFunction``, ``JSBigInt``, ``JSDate``, ``JSBytes``, ``JSMap``,
///   ``JSError`` and ``JSRegExp`` decode as they are, at any depth, so a type can keep part of
///   a value untyped, hold a function, or any JavaScript value exactly.
///
/// Errors are `DecodingError`s whose coding path says where the value was, and whose
/// description names it the JavaScript way (`$.users[3].age`) together with what was expected
/// and what was found.
///
/// Decoding goes one level deeper on the stack for each level of the value that a type decodes
/// with its own `init(from:)`. So a value nested deeper than the stack of the calling thread
/// holds, whatever made it, is a `DecodingError.dataCorrupted` that says where, rather than a
/// crash: decoding stops before it would leave less than ``ConversionLimits/stackReserve`` of
/// the stack (see ``ConversionLimits/maxDepth``).
public struct JSValueDecoder: Sendable {
    /// What decodes into a `Date`. A JavaScript `Date` always does (an invalid one is an
    /// error); the strategy says what else does.
    public enum DateDecodingStrategy: Sendable {
        /// Only a JavaScript `Date` (the default): a number or a string could mean several
        /// things, and the error names the strategy that reads it.
        case date
        /// Also a number of milliseconds since 1970-01-01T00:00:00Z, as `Date.now()` gives.
        case millisecondsSince1970
        /// Also a number of seconds since 1970-01-01T00:00:00Z.
        case secondsSince1970
        /// Also an ISO 8601 string with a time zone, as `toISOString()` writes it (see
        /// ``JSDate/init(iso8601:)``).
        case iso8601
        /// What the closure decodes from the decoder it is given, for every value (a
        /// JavaScript `Date` too: decode it as a ``JSDate``).
        case custom(@Sendable (any Decoder) throws -> Date)
    }

    /// What decodes into `Data` and `[UInt8]`. An `ArrayBuffer`, a typed array or a `DataView`
    /// always does, as its bytes in memory; the strategy says what else does.
    public enum DataDecodingStrategy: Sendable {
        /// Also an array of integers from 0 to 255 (the default), `Codable`'s own form of `Data`.
        case bytes
        /// Also a base64 string.
        case base64
        /// What the closure decodes from the decoder it is given, for every value (binary data
        /// too: decode it as ``JSBytes``).
        case custom(@Sendable (any Decoder) throws -> Data)
    }

    /// How the keys of a JavaScript object are matched with the keys of a type's properties.
    ///
    /// The keys of a `[String: Value]` dictionary are data rather than names, and are never
    /// converted, as with `JSONDecoder`.
    public enum KeyDecodingStrategy: Sendable {
        /// Each key as it is (the default).
        case useDefaultKeys
        /// `snake_case` keys in `camelCase`, with `JSONDecoder`'s rules: `first_name` matches
        /// `firstName`, and `base_url` matches `baseUrl` (not `baseURL`).
        case convertFromSnakeCase
        /// The key the closure returns, given the coding path whose last key is the object's
        /// key to convert.
        case custom(@Sendable (_ codingPath: [any CodingKey]) -> any CodingKey)
    }

    /// What decodes into a `Double` or `Float` besides a finite number.
    public enum NonConformingFloatDecodingStrategy: Sendable {
        /// `NaN` and `±Infinity`, which are JavaScript numbers (the default).
        case allow
        /// Nothing: `NaN` and `±Infinity` are errors.
        case `throw`
        /// `NaN` and `±Infinity`, and also these strings for them, as `JSONDecoder` reads them.
        case convertFromString(positiveInfinity: String, negativeInfinity: String, nan: String)
    }

    /// What decodes into a `Date`; `.date`, only a JavaScript `Date`, by default.
    public var dateDecodingStrategy: DateDecodingStrategy = .date
    /// What decodes into `Data` and `[UInt8]`; `.bytes`, binary data or an array of bytes, by
    /// default.
    public var dataDecodingStrategy: DataDecodingStrategy = .bytes
    /// How object keys match property keys; `.useDefaultKeys` by default.
    public var keyDecodingStrategy: KeyDecodingStrategy = .useDefaultKeys
    /// What decodes into floating-point numbers; `.allow`, every number, by default.
    public var nonConformingFloatDecodingStrategy: NonConformingFloatDecodingStrategy = .allow
    /// Values given to every `Decodable` initialiser through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// A decoder with the default rules.
    public init() {}

    /// Decodes a value of type `type` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSValue) throws -> T {
        let root = ValueDecoder(value: value, parent: nil, key: nil, target: T.self, context: DecodingContext(self))
        return try root.decode(T.self, from: value, at: nil)
    }
}

/// The decoder's options, shared by every nested decoder of one `decode` call.
private final class DecodingContext {
    let options: JSValueDecoder
    let userInfo: [CodingUserInfoKey: Any]
    /// Whether object keys are converted before they are matched.
    let convertsKeys: Bool
    /// The calling thread's stack, and the lowest address a decoding may reach in it.
    let stack: (low: UInt, high: UInt)?
    let stackFloor: UInt

    init(_ options: JSValueDecoder) {
        self.options = options
        self.userInfo = options.userInfo
        stack = ThreadStack.bounds
        stackFloor = (stack?.low ?? 0) + UInt(ConversionLimits.stackReserve)
        if case .useDefaultKeys = options.keyDecodingStrategy { convertsKeys = false } else { convertsKeys = true }
    }
}

/// The `Decoder` for one value. Scalars in containers are read without a decoder of their own;
/// other nested values get one, which knows its parent, so the coding path is only put
/// together when something asks for it (an error, mostly).
private final class ValueDecoder: Decoder {
    let value: JSValue
    let parent: ValueDecoder?
    /// The key of this value in its parent; `nil` at the root and for a super decoder's parent.
    let key: (any CodingKey)?
    /// The type being decoded, named in error messages; `nil` when unknown.
    let target: Any.Type?
    let context: DecodingContext

    init(value: JSValue, parent: ValueDecoder?, key: (any CodingKey)?, target: Any.Type?, context: DecodingContext) {
        self.value = value
        self.parent = parent
        self.key = key
        self.target = target
        self.context = context
    }

    var options: JSValueDecoder { context.options }
    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = []
        var decoder: ValueDecoder? = self
        while let current = decoder {
            if let key = current.key { keys.append(key) }
            decoder = current.parent
        }
        return keys.reversed()
    }

    /// The coding path of the value at `key` in this decoder, or of this decoder's own value.
    func path(_ key: (any CodingKey)?) -> [any CodingKey] {
        guard let key else { return codingPath }
        return codingPath + [key]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ObjectContainer(object: try properties(), decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements): return ArrayContainer(elements: elements, decoder: self, isSet: false)
        case .set(let elements): return ArrayContainer(elements: elements, decoder: self, isSet: true)
        case .bytes(let bytes): return ArrayContainer(elements: bytes.numbers, decoder: self, isSet: false)
        default: throw mismatch(target ?? [JSValue].self, expected: "an array", found: value, at: nil)
        }
    }

    func singleValueContainer() -> any SingleValueDecodingContainer {
        SingleContainer(decoder: self)
    }

    /// The decoder of the value at `key`; this decoder itself for `nil`.
    func child(_ value: JSValue, at key: (any CodingKey)?, target: Any.Type?) -> ValueDecoder {
        guard let key else { return self }
        return ValueDecoder(value: value, parent: self, key: key, target: target, context: context)
    }

    /// The properties of an object, as a keyed container reads them: an object's (its keys
    /// converted as the strategy says), an error's, or a Map's whose keys are all strings.
    private func properties() throws -> JSObject {
        switch value {
        case .object(let object):
            return context.convertsKeys ? converted(object) : object
        case .error(let error):
            var object: JSObject = ["name": .string(error.name), "message": .string(error.message)]
            if let stack = error.stack { object["stack"] = .string(stack) }
            if let cause = error.cause { object["cause"] = cause }
            return context.convertsKeys ? converted(object) : object
        case .map(let map) where map.keys.allSatisfy { $0.stringValue != nil }:
            let object = JSObject(map.map { ($0.key.stringValue!, $0.value) })
            return context.convertsKeys ? converted(object) : object
        case .map:
            throw mismatch(
                target ?? JSObject.self, expected: "an object", found: value, at: nil,
                hint: "a Map reads as an object only when all its keys are strings")
        default:
            throw mismatch(target ?? JSObject.self, expected: "an object", found: value, at: nil)
        }
    }

    /// The object with its keys converted by the key strategy; the first of keys that convert
    /// alike wins.
    private func converted(_ object: JSObject) -> JSObject {
        var result = JSObject()
        let path = codingPath
        for (key, value) in object {
            let name =
                switch options.keyDecodingStrategy {
                case .useDefaultKeys: key
                case .convertFromSnakeCase: KeyConversion.camelCase(fromSnakeCase: key)
                case .custom(let convert): convert(path + [DynamicKey(key)]).stringValue
                }
            if result[name] == nil { result[name] = value }
        }
        return result
    }
}

// MARK: - Values

extension ValueDecoder {
    /// Decodes `type` from `value`, found at `key` in this decoder (`nil`: this decoder's own
    /// value), the one path every container takes.
    func decode<T: Decodable>(_ type: T.Type, from value: JSValue, at key: (any CodingKey)?) throws -> T {
        if let scalar = try scalar(T.self, from: value, at: key) { return scalar }
        if let special = try special(T.self, from: value, at: key) { return special }
        if let stack = context.stack, ThreadStack.position(within: stack) < context.stackFloor {
            let path = path(key)
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: path,
                    debugDescription: "\(ValuePath.describe(path)): the value is nested deeper than the stack of "
                        + "this thread holds (\(path.count) levels)"))
        }
        return try T(from: child(value, at: key, target: T.self))
    }

    /// The common scalar types, read without a decoder of their own; each check compares type
    /// metadata.
    private func scalar<T>(_ type: T.Type, from value: JSValue, at key: (any CodingKey)?) throws -> T? {
        if T.self == String.self { return unsafeBitCast(try string(from: value, at: key), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, from: value, at: key), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(from: value, at: key), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(from: value, at: key), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(Int64.self, from: value, at: key), to: T.self) }
        if T.self == Float.self { return unsafeBitCast(try float(from: value, at: key), to: T.self) }
        return nil
    }

    /// The types this decoder reads itself: the value types of this module as they are,
    /// `Date` and `Data` with their strategies, typed arrays into arrays at once, Maps into
    /// dictionaries, and dictionaries whose keys the key strategy must leave alone.
    private func special<T: Decodable>(_ type: T.Type, from value: JSValue, at key: (any CodingKey)?) throws -> T? {
        if T.self == JSValue.self { return unsafeBitCast(value, to: T.self) }
        if T.self == JSObject.self, case .object(let object) = value { return unsafeBitCast(object, to: T.self) }
        if T.self == Date.self { return unsafeBitCast(try date(from: value, at: key), to: T.self) }
        if T.self == Data.self { return unsafeBitCast(try data(from: value, at: key), to: T.self) }
        if T.self == byteArrayType { return unsafeBitCast([UInt8](try data(from: value, at: key)), to: T.self) }
        if T.self == JSFunction.self {
            guard case .function(let function) = value else {
                throw mismatch(T.self, expected: "a function", found: value, at: key)
            }
            return unsafeBitCast(function, to: T.self)
        }
        if T.self == JSBigInt.self {
            guard case .bigInt(let bigInt) = value else {
                throw mismatch(T.self, expected: "a bigint", found: value, at: key)
            }
            return unsafeBitCast(bigInt, to: T.self)
        }
        if T.self == JSDate.self {
            guard case .date(let date) = value else {
                throw mismatch(T.self, expected: "a Date", found: value, at: key)
            }
            return unsafeBitCast(date, to: T.self)
        }
        if T.self == JSBytes.self {
            guard case .bytes(let bytes) = value else {
                throw mismatch(T.self, expected: "an ArrayBuffer, a typed array or a DataView", found: value, at: key)
            }
            return unsafeBitCast(bytes, to: T.self)
        }
        if T.self == JSMap.self {
            guard case .map(let map) = value else { throw mismatch(T.self, expected: "a Map", found: value, at: key) }
            return unsafeBitCast(map, to: T.self)
        }
        if T.self == JSRegExp.self {
            guard case .regExp(let regExp) = value else {
                throw mismatch(T.self, expected: "a RegExp", found: value, at: key)
            }
            return unsafeBitCast(regExp, to: T.self)
        }
        // A JSError also decodes from an object with its properties, through its Decodable.
        if T.self == JSError.self, case .error(let error) = value { return unsafeBitCast(error, to: T.self) }
        switch value {
        case .bytes(let bytes):
            if let array = T.self as? any TypedArrayConvertible.Type, let elements = array.elements(of: bytes) {
                return elements as? T
            }
        case .map(let map):
            if let dictionary = T.self as? any DecodableDictionary.Type {
                return try dictionary.decode(map: map, with: child(value, at: key, target: T.self)) as? T
            }
        case .object(let object) where context.convertsKeys:
            if let dictionary = T.self as? any DecodableDictionary.Type,
                let decoded = try dictionary.decode(keysOf: object, with: child(value, at: key, target: T.self))
            {
                return decoded as? T
            }
        default: break
        }
        return nil
    }
}

// MARK: - Scalars

extension ValueDecoder {
    func bool(from value: JSValue, at key: (any CodingKey)?) throws -> Bool {
        guard case .bool(let bool) = value else {
            throw mismatch(Bool.self, expected: "a boolean", found: value, at: key)
        }
        return bool
    }

    func string(from value: JSValue, at key: (any CodingKey)?) throws -> String {
        guard case .string(let string) = value else {
            throw mismatch(String.self, expected: "a string", found: value, at: key)
        }
        return string
    }

    func double(from value: JSValue, at key: (any CodingKey)?, for type: Any.Type = Double.self) throws -> Double {
        switch value {
        case .number(let number):
            if number.isFinite { return number }
            if case .throw = options.nonConformingFloatDecodingStrategy {
                throw corrupted(
                    "\(value) is not a finite number (nonConformingFloatDecodingStrategy is .throw)", at: key)
            }
            return number
        case .string(let string):
            if case .convertFromString(let positiveInfinity, let negativeInfinity, let nan) =
                options.nonConformingFloatDecodingStrategy
            {
                if string == positiveInfinity { return .infinity }
                if string == negativeInfinity { return -.infinity }
                if string == nan { return .nan }
            }
        default: break
        }
        throw mismatch(type, expected: "a number", found: value, at: key)
    }

    func float(from value: JSValue, at key: (any CodingKey)?) throws -> Float {
        let number = try double(from: value, at: key, for: Float.self)
        let float = Float(number)
        guard float.isFinite || !number.isFinite else {
            throw corrupted("\(JSValue.number(number)) is out of the range of Float", at: key)
        }
        return float
    }

    /// An integer only from a number that is integral and in range, never by rounding, or from
    /// a BigInt that fits. Inlined, so that each integer type gets its own exact conversion.
    @inline(__always)
    func integer<I: FixedWidthInteger>(_ type: I.Type, from value: JSValue, at key: (any CodingKey)?) throws -> I {
        switch value {
        case .number(let number):
            if let integer = I(exactly: number) { return integer }
            let reason = number.rounded() == number ? "out of the range of \(I.self)" : "not an integer"
            throw corrupted("\(value) is \(reason)", at: key)
        case .bigInt(let bigInt):
            if let integer = I(exactly: bigInt) { return integer }
            throw corrupted("\(value) is out of the range of \(I.self)", at: key)
        default:
            throw mismatch(I.self, expected: "a number", found: value, at: key)
        }
    }
}

// MARK: - Dates and binary data

extension ValueDecoder {
    func date(from value: JSValue, at key: (any CodingKey)?) throws -> Date {
        let strategy = options.dateDecodingStrategy
        if case .custom(let decode) = strategy { return try decode(child(value, at: key, target: Date.self)) }
        if case .date(let date) = value {
            guard let date = date.date else {
                throw corrupted("the Date is invalid (its time is NaN), which no Swift Date can hold", at: key)
            }
            return date
        }
        switch (strategy, value) {
        case (.millisecondsSince1970, .number(let milliseconds)) where milliseconds.isFinite:
            return Date(timeIntervalSince1970: milliseconds / 1000)
        case (.secondsSince1970, .number(let seconds)) where seconds.isFinite:
            return Date(timeIntervalSince1970: seconds)
        case (.millisecondsSince1970, .number), (.secondsSince1970, .number):
            throw corrupted("\(value) is not a time", at: key)
        case (.iso8601, .string(let text)):
            guard let date = JSDate(iso8601: text)?.date else {
                throw corrupted(
                    "\(value) is not an ISO 8601 date with a time zone, such as 2024-01-01T00:00:00.000Z", at: key)
            }
            return date
        case (.millisecondsSince1970, _):
            throw mismatch(Date.self, expected: "a Date or a number of milliseconds", found: value, at: key)
        case (.secondsSince1970, _):
            throw mismatch(Date.self, expected: "a Date or a number of seconds", found: value, at: key)
        case (.iso8601, _):
            throw mismatch(Date.self, expected: "a Date or an ISO 8601 string", found: value, at: key)
        case (_, .number):
            throw mismatch(
                Date.self, expected: "a Date", found: value, at: key,
                hint: "dateDecodingStrategy .millisecondsSince1970 or .secondsSince1970 reads numbers")
        case (_, .string):
            throw mismatch(
                Date.self, expected: "a Date", found: value, at: key,
                hint: "dateDecodingStrategy .iso8601 reads ISO 8601 strings")
        default:
            throw mismatch(Date.self, expected: "a Date", found: value, at: key)
        }
    }

    func data(from value: JSValue, at key: (any CodingKey)?) throws -> Data {
        let strategy = options.dataDecodingStrategy
        if case .custom(let decode) = strategy { return try decode(child(value, at: key, target: Data.self)) }
        if case .bytes(let bytes) = value { return bytes.data }
        switch (strategy, value) {
        case (.bytes, .array(let elements)):
            var data = Data(count: elements.count)
            for (index, element) in elements.enumerated() {
                guard case .number(let number) = element, let byte = UInt8(exactly: number) else {
                    // Only now the decoder of the array, for the error's path.
                    let array = child(value, at: key, target: Data.self)
                    data[index] = try array.integer(UInt8.self, from: element, at: IndexKey(index))
                    continue
                }
                data[index] = byte
            }
            return data
        case (.base64, .string(let text)):
            guard let data = Data(base64Encoded: text) else { throw corrupted("the string is not base64", at: key) }
            return data
        case (.base64, _):
            throw mismatch(Data.self, expected: "binary data or a base64 string", found: value, at: key)
        default:
            let expected = "an ArrayBuffer, a typed array, a DataView or an array of bytes"
            if case .string = value {
                throw mismatch(
                    Data.self, expected: expected, found: value, at: key,
                    hint: "dataDecodingStrategy .base64 reads base64 strings")
            }
            throw mismatch(Data.self, expected: expected, found: value, at: key)
        }
    }
}

// MARK: - Dictionaries

/// A dictionary that the decoder fills itself: from a `Map`, or from an object whose keys the
/// key strategy must leave alone.
private protocol DecodableDictionary {
    /// The entries of `map`, each key and value decoded by `decoder`, the Map's decoder.
    static func decode(map: JSMap, with decoder: ValueDecoder) throws -> Self
    /// The properties of `object` with their keys as they are; `nil` when the keys are not
    /// strings, for `Codable` to decode.
    static func decode(keysOf object: JSObject, with decoder: ValueDecoder) throws -> Self?
}

extension Dictionary: DecodableDictionary where Key: Decodable, Value: Decodable {
    fileprivate static func decode(map: JSMap, with decoder: ValueDecoder) throws -> Self {
        var result = Self(minimumCapacity: map.count)
        for (index, entry) in map.entries.enumerated() {
            let key = try decoder.decode(Key.self, from: entry.key, at: EntryKey(.mapKey, index))
            let value = try decoder.decode(Value.self, from: entry.value, at: EntryKey(.mapValue, index))
            guard result.updateValue(value, forKey: key) == nil else {
                throw decoder.corrupted(
                    "\(entry.key) decodes into the same \(Key.self) as an earlier key of the Map",
                    at: EntryKey(.mapKey, index))
            }
        }
        return result
    }

    fileprivate static func decode(keysOf object: JSObject, with decoder: ValueDecoder) throws -> Self? {
        guard Key.self == String.self else { return nil }
        var result = Self(minimumCapacity: object.count)
        for (key, value) in object {
            result[key as! Key] = try decoder.decode(Value.self, from: value, at: DynamicKey(key))
        }
        return result
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

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.bool(from: value(for: key), at: key)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.string(from: value(for: key), at: key)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.double(from: value(for: key), at: key)
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.float(from: value(for: key), at: key)
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try integer(type, key) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try integer(type, key) }

    @inline(__always)
    private func integer<I: FixedWidthInteger>(_ type: I.Type, _ key: Key) throws -> I {
        try decoder.integer(type, from: value(for: key), at: key)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decode(type, from: value(for: key), at: key)
    }

    /// One lookup rather than the three of the default implementation.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], !value.isNullish else { return nil }
        return try decoder.decode(type, from: value, at: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.child(value(for: key), at: key, target: nil).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(value(for: key), at: key, target: nil).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        decoder.child(object["super"] ?? .undefined, at: DynamicKey("super"), target: nil)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(object[key.stringValue] ?? .undefined, at: key, target: nil)
    }
}

private struct ArrayContainer: UnkeyedDecodingContainer {
    let elements: [JSValue]
    let decoder: ValueDecoder
    /// Whether the elements are a Set's, which error messages name as `values()`.
    let isSet: Bool
    var currentIndex = 0

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var currentKey: any CodingKey {
        isSet ? EntryKey(.setElement, currentIndex) : IndexKey(currentIndex)
    }

    private func current() throws -> JSValue {
        guard !isAtEnd else {
            let path = ValuePath.describe(codingPath + [currentKey])
            let container = isSet ? "Set" : "array"
            throw DecodingError.valueNotFound(
                JSValue.self,
                .init(
                    codingPath: codingPath,
                    debugDescription: "\(path) is missing: the \(container) has \(elements.count) elements"))
        }
        return elements[currentIndex]
    }

    /// Reads the current element with `read`, then moves on; stays on it when `read` throws,
    /// so that another type can be tried.
    private mutating func next<T>(_ read: (ValueDecoder, JSValue, any CodingKey) throws -> T) throws -> T {
        let decoded = try read(decoder, current(), currentKey)
        currentIndex += 1
        return decoded
    }

    mutating func decodeNil() throws -> Bool {
        guard try current().isNullish else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.bool(from: $1, at: $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.string(from: $1, at: $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.double(from: $1, at: $2) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.float(from: $1, at: $2) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.integer(type, from: $1, at: $2) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.integer(type, from: $1, at: $2) } }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try next { try $0.integer(type, from: $1, at: $2) } }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 {
        try next { try $0.integer(type, from: $1, at: $2) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { try $0.decode(type, from: $1, at: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next { try $0.child($1, at: $2, target: nil).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try $0.child($1, at: $2, target: nil).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next { $0.child($1, at: $2, target: nil) }
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: JSValue { decoder.value }

    func decodeNil() -> Bool { value.isNullish }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(from: value, at: nil) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(from: value, at: nil) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double(from: value, at: nil) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.float(from: value, at: nil) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, from: value, at: nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, from: value, at: nil) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type) throws -> Int128 { try decoder.integer(type, from: value, at: nil) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type) throws -> UInt128 { try decoder.integer(type, from: value, at: nil) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decode(type, from: value, at: nil)
    }
}

// MARK: - Errors

extension ValueDecoder {
    /// A value of the wrong kind at `key`; `null` or `undefined` where a value is needed is a
    /// missing value. `hint` says what would read the value.
    func mismatch(
        _ type: Any.Type, expected: String, found value: JSValue, at key: (any CodingKey)?, hint: String? = nil
    ) -> DecodingError {
        let codingPath = path(key)
        if value.isNullish {
            let message = "\(ValuePath.describe(codingPath)) is \(value.kindName), not \(type)"
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: message))
        }
        var message = "\(ValuePath.describe(codingPath)): expected \(expected) for \(type), found \(value.kindName)"
        if let hint { message += " (\(hint))" }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: message))
    }

    /// A value of the right kind that does not fit, at `key`.
    func corrupted(_ reason: String, at key: (any CodingKey)?) -> DecodingError {
        let codingPath = path(key)
        return .dataCorrupted(
            .init(codingPath: codingPath, debugDescription: "\(ValuePath.describe(codingPath)): \(reason)"))
    }
}
