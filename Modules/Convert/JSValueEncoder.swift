import OrderedCollections

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Encodes `Encodable` Swift values into ``JSValue``s, as `JSONEncoder` does into JSON.
///
/// ```swift
/// struct Point: Encodable { var x: Double; var y: Double }
/// let value = try JSValueEncoder().encode(Point(x: 1, y: 2))   // { x: 1, y: 2 }
/// ```
///
/// The rules:
/// - Properties keep the order in which the type encodes them (for synthesized conformances,
///   the order of declaration).
/// - `nil` becomes `null`. ``JSValue``, ``JSObject``, ``JSFunction``, ``JSBigInt``, ``JSDate``,
///   ``JSBytes``, ``JSMap``, ``JSError`` and ``JSRegExp`` encode as they are, so `.undefined`
///   survives inside a `JSValue` and a function handle goes back to its runtime.
/// - Every JavaScript number is a `Double`: an integer that a `Double` cannot hold exactly (such
///   as `Int64.max`) is an `EncodingError` rather than a silently different number, unless
///   ``largeIntegerEncodingStrategy-swift.property`` says to write it as a BigInt.
/// - A `Date` becomes a JavaScript `Date`, and `Data` and `[UInt8]` a `Uint8Array`; the
///   strategies choose other forms.
/// - A dictionary becomes an object, as in JSON (`[1: "a"]` gives `{ "1": "a" }`), unless
///   ``dictionaryEncodingStrategy-swift.property`` asks for a `Map`. A `Set` becomes an array,
///   as `Codable` encodes it; ``JSValue/set(_:)`` makes a JavaScript `Set`.
/// - A value nested deeper than ``maxDepth``, or than the stack holds, is an `EncodingError`
///   that says where: a class whose property holds the object itself (a cycle) never ends.
public struct JSValueEncoder: Sendable {
    /// How a `Date` is written.
    public enum DateEncodingStrategy: Sendable {
        /// A JavaScript `Date`, to the millisecond (the default). A date that JavaScript cannot
        /// hold (beyond ±8.64e15 ms from 1970) is an error.
        case date
        /// A number of milliseconds since 1970-01-01T00:00:00Z, what `Date.now()` gives.
        case millisecondsSince1970
        /// A number of seconds since 1970-01-01T00:00:00Z.
        case secondsSince1970
        /// A string as `toISOString()` writes it: `2024-01-01T00:00:00.000Z`, to the millisecond.
        case iso8601
        /// Whatever the closure encodes into the encoder it is given.
        case custom(@Sendable (Date, any Encoder) throws -> Void)
    }

    /// How `Data` and `[UInt8]` are written.
    public enum DataEncodingStrategy: Sendable {
        /// A `Uint8Array` (the default), what Node's `Buffer` is.
        case uint8Array
        /// An `ArrayBuffer`.
        case arrayBuffer
        /// A base64 string.
        case base64
        /// An array of numbers, one per byte.
        case array
        /// Whatever the closure encodes into the encoder it is given.
        case custom(@Sendable (Data, any Encoder) throws -> Void)
    }

    /// How the keys of a type's properties become the keys of a JavaScript object.
    ///
    /// The keys of a `[String: Value]` dictionary are data rather than names, and are never
    /// converted, as with `JSONEncoder`.
    public enum KeyEncodingStrategy: Sendable {
        /// Each key as the type gives it (the default).
        case useDefaultKeys
        /// `camelCase` keys in `snake_case`, with `JSONEncoder`'s rules: `myURLProperty`
        /// becomes `my_url_property`.
        case convertToSnakeCase
        /// The key the closure returns, given the coding path whose last key is the one to
        /// convert.
        case custom(@Sendable (_ codingPath: [any CodingKey]) -> any CodingKey)
    }

    /// How a `Double` or `Float` that is `NaN` or infinite is written.
    public enum NonConformingFloatEncodingStrategy: Sendable {
        /// As the JavaScript number it is (the default): JavaScript numbers hold `NaN` and
        /// `±Infinity`.
        case allow
        /// An error, for values that must also be valid JSON.
        case `throw`
        /// The given strings, as `JSONEncoder` writes them.
        case convertToString(positiveInfinity: String, negativeInfinity: String, nan: String)
    }

    /// How an integer that a JavaScript number cannot hold exactly (beyond ±2^53) is written.
    public enum LargeIntegerEncodingStrategy: Sendable {
        /// An error (the default): a number would be a different integer.
        case `throw`
        /// A BigInt. Integers that a number holds exactly stay numbers, so a property may be a
        /// number or a BigInt depending on its value; a property that must always be a BigInt
        /// can be declared as ``JSBigInt``.
        case bigInt
    }

    /// What a Swift `Dictionary` becomes.
    public enum DictionaryEncodingStrategy: Sendable {
        /// What `Codable` makes of it, as in JSON (the default): an object for `String` and
        /// `Int` keys (`[1: "a"]` gives `{ "1": "a" }`) and for keys that are
        /// `CodingKeyRepresentable`; an array of keys and values in turn for other keys.
        case object
        /// An object for `String` keys; a `Map` whose keys keep their kind for any other key
        /// type: `[1: "a"]` gives `new Map([[1, "a"]])`.
        case mapForNonStringKeys
        /// A `Map` for every dictionary, `String` keys included.
        case map
    }

    /// How a `Date` is written; `.date`, a JavaScript `Date`, by default.
    public var dateEncodingStrategy: DateEncodingStrategy = .date
    /// How `Data` and `[UInt8]` are written; `.uint8Array` by default.
    public var dataEncodingStrategy: DataEncodingStrategy = .uint8Array
    /// How property keys are written; `.useDefaultKeys` by default.
    public var keyEncodingStrategy: KeyEncodingStrategy = .useDefaultKeys
    /// How `NaN` and `±Infinity` are written; `.allow`, as numbers, by default.
    public var nonConformingFloatEncodingStrategy: NonConformingFloatEncodingStrategy = .allow
    /// How integers beyond ±2^53 are written; `.throw` by default.
    public var largeIntegerEncodingStrategy: LargeIntegerEncodingStrategy = .throw
    /// What a `Dictionary` becomes; `.object` by default.
    public var dictionaryEncodingStrategy: DictionaryEncodingStrategy = .object
    /// Values given to every `Encodable` type through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    /// The deepest nesting of containers encoded, counted as ``ConversionLimits/maxDepth``
    /// counts it (`[]` is 1 deep); 100 by default, the default limit. A runtime's typed bindings
    /// and `bindObject` use the runtime's `conversionLimits.maxDepth`.
    ///
    /// A value nested deeper is an `EncodingError.invalidValue` whose coding path is the
    /// container too deep; so is a value that contains itself, such as a class whose property
    /// holds the object (`list.items = [list]`), which would otherwise never end. Nesting is
    /// also bounded by the stack of the calling thread, as for every conversion (see
    /// ``ConversionLimits/maxDepth``): a value that would leave less than
    /// ``ConversionLimits/stackReserve`` of it is refused the same way, whatever `maxDepth` is.
    public var maxDepth = ConversionLimits.default.maxDepth

    /// An encoder with the default rules.
    public init() {}

    /// Encodes `value` as a JavaScript value.
    public func encode<T: Encodable>(_ value: T) throws -> JSValue {
        let root = ValueEncoder(context: EncodingContext(self), parent: nil, key: nil)
        if let direct = try root.direct(value, at: nil) { return direct }
        try root.encodeIndirect(value)
        guard let result = root.value else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(T.self) did not encode any value"))
        }
        return result
    }
}

/// The encoder's options, shared by every nested encoder of one `encode` call.
private final class EncodingContext {
    let options: JSValueEncoder
    let userInfo: [CodingUserInfoKey: Any]
    /// Whether dictionaries are written by the encoder itself rather than by `Codable`.
    let inspectsDictionaries: Bool
    let maxDepth: Int
    /// The calling thread's stack, and the lowest address an encoding may reach in it.
    let stack: (low: UInt, high: UInt)?
    let stackFloor: UInt

    init(_ options: JSValueEncoder) {
        self.options = options
        self.userInfo = options.userInfo
        maxDepth = options.maxDepth
        stack = ThreadStack.bounds
        stackFloor = (stack?.low ?? 0) + UInt(ConversionLimits.stackReserve)
        if case .object = options.dictionaryEncodingStrategy, case .useDefaultKeys = options.keyEncodingStrategy {
            inspectsDictionaries = false
        } else {
            inspectsDictionaries = true
        }
    }
}

/// The `Encoder` for one place in the value, and what has been encoded there. Containers
/// write into it, and nested values into child encoders, so a value can be built in any order
/// `Encodable` chooses; scalars are stored as values, without an encoder of their own.
private final class ValueEncoder: Encoder {
    /// What a property or an element holds: a finished value, or a nested encoder.
    enum Slot {
        case value(JSValue)
        case encoder(ValueEncoder)

        var value: JSValue {
            switch self {
            case .value(let value): value
            case .encoder(let encoder): encoder.value ?? .undefined
            }
        }
    }

    let context: EncodingContext
    /// Unowned, since the parent holds its nested encoders: a strong reference back would keep
    /// the whole encoding alive after it ends. An encoder is an `Encoder` only while its value
    /// is encoded, as `Codable` expects.
    unowned let parent: ValueEncoder?
    /// The key of this place in its parent; `nil` at the root.
    let key: (any CodingKey)?
    /// How many encoders are above this one: the containers around its value.
    let depth: Int

    private var scalar: JSValue?
    private var properties: OrderedDictionary<String, Slot>?
    private var elements: [Slot]?

    init(context: EncodingContext, parent: ValueEncoder?, key: (any CodingKey)?) {
        self.context = context
        self.parent = parent
        self.key = key
        depth = parent.map { $0.depth + 1 } ?? 0
    }

    var options: JSValueEncoder { context.options }
    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = []
        var encoder: ValueEncoder? = self
        while let current = encoder, let key = current.key {
            keys.append(key)
            encoder = current.parent
        }
        return keys.reversed()
    }

    /// The coding path of the value at `key` in this encoder, or of this encoder's own value.
    func path(_ key: (any CodingKey)?) -> [any CodingKey] {
        guard let key else { return codingPath }
        return codingPath + [key]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        becomeObject()
        return KeyedEncodingContainer(ObjectContainer(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        becomeArray()
        return ArrayContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    // MARK: What has been encoded

    func set(_ value: JSValue) {
        (scalar, properties, elements) = (value, nil, nil)
    }

    func becomeObject() {
        if properties == nil { (scalar, properties, elements) = (nil, [:], nil) }
    }

    func becomeArray() {
        if elements == nil { (scalar, properties, elements) = (nil, nil, []) }
    }

    func setProperty(_ slot: Slot, forKey key: String) {
        becomeObject()
        properties![key] = slot
    }

    func append(_ slot: Slot) {
        becomeArray()
        elements!.append(slot)
    }

    /// The nested encoder of property `key`, made on first use (or when it held a value).
    func child(forKey key: String, codingKey: any CodingKey) -> ValueEncoder {
        becomeObject()
        if case .encoder(let existing) = properties![key] { return existing }
        let child = ValueEncoder(context: context, parent: self, key: codingKey)
        properties![key] = .encoder(child)
        return child
    }

    /// A new nested encoder at the end of the array.
    func appendChild(codingKey: any CodingKey) -> ValueEncoder {
        let child = ValueEncoder(context: context, parent: self, key: codingKey)
        append(.encoder(child))
        return child
    }

    var count: Int { elements?.count ?? properties?.count ?? 0 }

    /// The finished value; `nil` when nothing was encoded here.
    var value: JSValue? {
        if let scalar { return scalar }
        if let properties {
            return .object(JSObject(uniqueKeys: properties.keys, values: properties.values.lazy.map(\.value)))
        }
        if let elements { return .array(elements.map(\.value)) }
        return nil
    }

    /// The key a property is written under, after the key strategy.
    func propertyKey(_ key: some CodingKey) -> String {
        switch options.keyEncodingStrategy {
        case .useDefaultKeys: key.stringValue
        case .convertToSnakeCase: KeyConversion.snakeCase(key.stringValue)
        case .custom(let convert): convert(codingPath + [key]).stringValue
        }
    }
}

// MARK: - Values

extension ValueEncoder {
    /// Encodes `value` at `key`: as a value when the encoder writes it itself, or into a child.
    func slot<T: Encodable>(for value: T, at key: any CodingKey) throws -> Slot {
        if let direct = try direct(value, at: key) { return .value(direct) }
        let child = ValueEncoder(context: context, parent: self, key: key)
        try child.encodeIndirect(value)
        return .encoder(child)
    }

    /// The value of `value` when the encoder writes it without an `Encoder` of its own:
    /// scalars, the value types of this module, `Date` and `Data` (except with a custom
    /// strategy). `key` is where the value goes in this encoder, `nil` for this encoder itself.
    func direct<T: Encodable>(_ value: T, at key: (any CodingKey)?) throws -> JSValue? {
        // The commonest first; each check compares type metadata.
        if let string = exactly(value, as: String.self) { return .string(string) }
        if let integer = exactly(value, as: Int.self) { return try number(integer, at: key) }
        if let double = exactly(value, as: Double.self) { return try number(double, at: key) }
        if let bool = exactly(value, as: Bool.self) { return .bool(bool) }
        if let value = exactly(value, as: JSValue.self) { return value }
        if let object = exactly(value, as: JSObject.self) { return .object(object) }
        if let date = exactly(value, as: Date.self) { return try encode(date, at: key) }
        if let data = exactly(value, as: Data.self) { return try encode(data, at: key) }
        if T.self == byteArrayType { return try encode(Data(unsafeBitCast(value, to: [UInt8].self)), at: key) }
        if let function = exactly(value, as: JSFunction.self) { return .function(function) }
        if let bigInt = exactly(value, as: JSBigInt.self) { return .bigInt(bigInt) }
        if let date = exactly(value, as: JSDate.self) { return .date(date) }
        if let bytes = exactly(value, as: JSBytes.self) { return .bytes(bytes) }
        if let map = exactly(value, as: JSMap.self) { return .map(map) }
        if let error = exactly(value, as: JSError.self) { return .error(error) }
        if let regExp = exactly(value, as: JSRegExp.self) { return .regExp(regExp) }
        return nil
    }

    /// Encodes what ``direct(_:at:)`` does not into this encoder: values with a custom
    /// strategy, dictionaries that the strategies make Maps or keep the keys of, and the rest
    /// through their own `encode(to:)`. Refuses a value nested deeper than `maxDepth` or than
    /// the stack holds: every path into a nested value's own code comes here first.
    func encodeIndirect<T: Encodable>(_ value: T) throws {
        if depth >= context.maxDepth || isStackLow {
            // A nested encoder exists only inside a container, which is too deep if this one is
            // past the limit; this one itself is, if it becomes a container. Where the stack
            // ends, this one's container is the one refused.
            if depth > context.maxDepth { throw tooDeep(value, at: codingPath.dropLast()) }
            if isStackLow { throw tooDeep(value, at: codingPath, forTheStack: true) }
            try encodeIndirectly(value)
            if properties != nil || elements != nil { throw tooDeep(value, at: codingPath) }
            return
        }
        try encodeIndirectly(value)
    }

    /// Whether the stack has less than `ConversionLimits.stackReserve` left.
    @inline(__always)
    private var isStackLow: Bool {
        guard let stack = context.stack else { return false }
        return ThreadStack.position(within: stack) < context.stackFloor
    }

    /// The error for the container at `path`, nested more than `maxDepth` levels, or more than
    /// the stack holds.
    private func tooDeep(_ value: Any, at path: some Collection<any CodingKey>, forTheStack: Bool = false)
        -> EncodingError
    {
        let path = Array(path)
        let message =
            forTheStack
            ? "\(ValuePath.describe(path)): the value is nested deeper than the stack of this thread holds "
                + "(\(path.count + 1) levels)"
            : "\(ValuePath.describe(path)): the value is nested more than \(context.maxDepth) levels deep "
                + "(maxDepth); a value that contains itself, such as an object one of whose properties "
                + "holds it, never ends"
        return EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: message))
    }

    private func encodeIndirectly<T: Encodable>(_ value: T) throws {
        if case .custom(let encode) = options.dateEncodingStrategy, let date = exactly(value, as: Date.self) {
            return try encode(date, self)
        }
        if case .custom(let encode) = options.dataEncodingStrategy {
            if let data = exactly(value, as: Data.self) { return try encode(data, self) }
            if T.self == byteArrayType { return try encode(Data(unsafeBitCast(value, to: [UInt8].self)), self) }
        }
        if context.inspectsDictionaries, let dictionary = value as? any EncodableDictionary {
            if try dictionary.encode(into: self) { return }
        }
        try value.encode(to: self)
    }

    func encode(_ date: Date, at key: (any CodingKey)?) throws -> JSValue? {
        let jsDate = JSDate(date)
        switch options.dateEncodingStrategy {
        case .date, .iso8601:
            guard jsDate.isValid else {
                let message =
                    "\(ValuePath.describe(path(key))): \(date.timeIntervalSince1970 * 1000) ms since 1970 is "
                    + "outside the range of a JavaScript Date (±8.64e15 ms)"
                throw EncodingError.invalidValue(date, .init(codingPath: path(key), debugDescription: message))
            }
            if case .iso8601 = options.dateEncodingStrategy { return .string(jsDate.description) }
            return .date(jsDate)
        case .millisecondsSince1970: return .number(date.timeIntervalSince1970 * 1000)
        case .secondsSince1970: return .number(date.timeIntervalSince1970)
        case .custom: return nil
        }
    }

    func encode(_ data: Data, at key: (any CodingKey)?) throws -> JSValue? {
        switch options.dataEncodingStrategy {
        case .uint8Array: .bytes(JSBytes(data))
        case .arrayBuffer: .bytes(JSBytes(.arrayBuffer, data: data)!)
        case .base64: .string(data.base64EncodedString())
        case .array: .array(data.map { .number(Double($0)) })
        case .custom: nil
        }
    }

    func number<F: BinaryFloatingPoint>(_ value: F, at key: (any CodingKey)?) throws -> JSValue {
        let number = Double(value)
        guard !number.isFinite else { return .number(number) }
        switch options.nonConformingFloatEncodingStrategy {
        case .allow:
            return .number(number)
        case .throw:
            let message =
                "\(ValuePath.describe(path(key))): \(JSValue.number(number)) is not a finite number "
                + "(nonConformingFloatEncodingStrategy is .throw)"
            throw EncodingError.invalidValue(value, .init(codingPath: path(key), debugDescription: message))
        case .convertToString(let positiveInfinity, let negativeInfinity, let nan):
            return .string(number.isNaN ? nan : number > 0 ? positiveInfinity : negativeInfinity)
        }
    }

    /// An integer as a number when a number holds it exactly, else as the strategy says.
    /// Inlined, so that each integer type gets its own exact conversion.
    @inline(__always)
    func number<I: BinaryInteger>(_ value: I, at key: (any CodingKey)?) throws -> JSValue {
        if let number = Double(exactly: value) { return .number(number) }
        if case .bigInt = options.largeIntegerEncodingStrategy { return .bigInt(JSBigInt(value)) }
        let message =
            "\(ValuePath.describe(path(key))): \(value) would be rounded as a JavaScript number "
            + "(numbers are 64-bit floats, exact for integers up to 2^53); "
            + "largeIntegerEncodingStrategy .bigInt writes it as a BigInt"
        throw EncodingError.invalidValue(value, .init(codingPath: path(key), debugDescription: message))
    }
}

// MARK: - Dictionaries

/// A dictionary that the encoder writes itself when the strategies ask: as a `Map`, or as an
/// object whose keys are not converted.
private protocol EncodableDictionary {
    /// Writes the dictionary into `encoder`; `false` when `Codable`'s own form applies.
    func encode(into encoder: ValueEncoder) throws -> Bool
}

extension Dictionary: EncodableDictionary where Key: Encodable, Value: Encodable {
    fileprivate func encode(into encoder: ValueEncoder) throws -> Bool {
        let stringKeys = Key.self == String.self
        let asMap: Bool
        switch encoder.options.dictionaryEncodingStrategy {
        case .object: asMap = false
        case .mapForNonStringKeys: asMap = !stringKeys
        case .map: asMap = true
        }
        if asMap {
            var entries: [(JSValue, JSValue)] = []
            entries.reserveCapacity(count)
            for (index, (key, value)) in enumerated() {
                let key = try encoder.slot(for: key, at: EntryKey(.mapKey, index)).value
                entries.append((key, try encoder.slot(for: value, at: EntryKey(.mapValue, index)).value))
            }
            encoder.set(.map(JSMap(entries)))
            return true
        }
        guard stringKeys else { return false }
        // The keys are data, not property names: the key strategy leaves them as they are.
        encoder.becomeObject()
        for (key, value) in self {
            let key = key as! String
            encoder.setProperty(try encoder.slot(for: value, at: DynamicKey(key)), forKey: key)
        }
        return true
    }
}

// MARK: - Containers

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) {
        encoder.setProperty(.value(.null), forKey: encoder.propertyKey(key))
    }

    mutating func encode(_ value: Bool, forKey key: Key) { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { put(try encoder.number(value, at: key), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        encoder.setProperty(try encoder.slot(for: value, at: key), forKey: encoder.propertyKey(key))
    }

    private func put(_ value: JSValue, _ key: Key) {
        encoder.setProperty(.value(value), forKey: encoder.propertyKey(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.child(forKey: encoder.propertyKey(key), codingKey: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.child(forKey: encoder.propertyKey(key), codingKey: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.child(forKey: "super", codingKey: DynamicKey("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.child(forKey: encoder.propertyKey(key), codingKey: key)
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.count }

    mutating func encodeNil() { encoder.append(.value(.null)) }
    mutating func encode(_ value: Bool) { encoder.append(.value(.bool(value))) }
    mutating func encode(_ value: String) { encoder.append(.value(.string(value))) }
    mutating func encode(_ value: Double) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: Float) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: Int) throws { encoder.append(.value(try encoder.number(value, at: IndexKey(count)))) }
    mutating func encode(_ value: Int8) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: Int16) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: Int32) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: Int64) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: UInt) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: UInt8) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: UInt16) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: UInt32) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }
    mutating func encode(_ value: UInt64) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws {
        encoder.append(.value(try encoder.number(value, at: IndexKey(count))))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.append(try encoder.slot(for: value, at: IndexKey(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.appendChild(codingKey: IndexKey(count)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.appendChild(codingKey: IndexKey(count)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.appendChild(codingKey: IndexKey(count))
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() { encoder.set(.null) }
    mutating func encode(_ value: Bool) { encoder.set(.bool(value)) }
    mutating func encode(_ value: String) { encoder.set(.string(value)) }
    mutating func encode(_ value: Double) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Float) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Int) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Int8) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Int16) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Int32) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: Int64) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: UInt) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: UInt8) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: UInt16) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: UInt32) throws { encoder.set(try encoder.number(value, at: nil)) }
    mutating func encode(_ value: UInt64) throws { encoder.set(try encoder.number(value, at: nil)) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { encoder.set(try encoder.number(value, at: nil)) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { encoder.set(try encoder.number(value, at: nil)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let direct = try encoder.direct(value, at: nil) { return encoder.set(direct) }
        try encoder.encodeIndirect(value)
    }
}
