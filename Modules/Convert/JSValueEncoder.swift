import OrderedCollections

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
/// - `nil` becomes `null`. ``JSValue``, ``JSObject`` and ``JSFunction`` encode as they are, so
///   `.undefined` survives inside a `JSValue` and a function handle goes back to its runtime.
/// - Every JavaScript number is a `Double`: an integer that a `Double` cannot hold exactly (such
///   as `Int64.max`) is an `EncodingError` rather than a silently different number.
public struct JSValueEncoder: Sendable {
    /// Values given to every `Encodable` type through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// An encoder with the default rules.
    public init() {}

    /// Encodes `value` as a JavaScript value.
    public func encode<T: Encodable>(_ value: T) throws -> JSValue {
        if let passthrough = JSValue(passthrough: value) { return passthrough }
        let node = EncodedNode()
        try value.encode(to: ValueEncoder(node: node, codingPath: [], userInfo: userInfo))
        guard let result = node.value else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(T.self) did not encode any value"))
        }
        return result
    }
}

extension JSValue {
    /// `value` itself when it is a `JSValue` or a `JSObject`.
    fileprivate init?(passthrough value: some Encodable) {
        if let value = value as? JSValue {
            self = value
        } else if let object = value as? JSObject {
            self = .object(object)
        } else if let function = value as? JSFunction {
            self = .function(function)
        } else {
            return nil
        }
    }
}

/// What has been encoded at one place in the value. Containers write into nodes, and nested
/// containers into child nodes, so a value can be built in any order `Encodable` chooses.
private final class EncodedNode {
    private var scalar: JSValue?
    private var properties: OrderedDictionary<String, EncodedNode>?
    private var elements: [EncodedNode]?

    func set(_ value: JSValue) {
        scalar = value
        properties = nil
        elements = nil
    }

    /// The child node for property `key`, made on first use; turns this node into an object.
    func child(forKey key: String) -> EncodedNode {
        if properties == nil { becomeObject() }
        if let existing = properties![key] { return existing }
        let node = EncodedNode()
        properties![key] = node
        return node
    }

    /// A new child node at the end; turns this node into an array.
    func appendChild() -> EncodedNode {
        if elements == nil { becomeArray() }
        let node = EncodedNode()
        elements!.append(node)
        return node
    }

    func becomeObject() {
        if properties == nil { (scalar, properties, elements) = (nil, [:], nil) }
    }

    func becomeArray() {
        if elements == nil { (scalar, properties, elements) = (nil, nil, []) }
    }

    var count: Int { elements?.count ?? properties?.count ?? 0 }

    /// The finished value; `nil` when nothing was encoded here.
    var value: JSValue? {
        if let scalar { return scalar }
        if let properties {
            return .object(
                JSObject(uniqueKeys: Array(properties.keys), values: properties.values.map { $0.value ?? .undefined }))
        }
        if let elements { return .array(elements.map { $0.value ?? .undefined }) }
        return nil
    }
}

private struct ValueEncoder: Encoder {
    let node: EncodedNode
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    init(node: EncodedNode, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.node = node
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(ObjectContainer(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return ArrayContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    func nested(_ node: EncodedNode, at key: any CodingKey) -> ValueEncoder {
        ValueEncoder(node: node, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    /// Encodes `value` into `node`, the one path every container takes.
    func encode<T: Encodable>(_ value: T, into node: EncodedNode, at key: any CodingKey) throws {
        if let passthrough = JSValue(passthrough: value) { return node.set(passthrough) }
        try value.encode(to: nested(node, at: key))
    }
}

// MARK: - Containers

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) { encoder.node.child(forKey: key.stringValue).set(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.encode(value, into: encoder.node.child(forKey: key.stringValue), at: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.nested(encoder.node.child(forKey: key.stringValue), at: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.nested(encoder.node.child(forKey: key.stringValue), at: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.nested(encoder.node.child(forKey: "super"), at: DynamicKey("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.nested(encoder.node.child(forKey: key.stringValue), at: key)
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.node.count }

    mutating func encodeNil() { encoder.node.appendChild().set(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = IndexKey(count)
        try encoder.encode(value, into: encoder.node.appendChild(), at: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let key = IndexKey(count)
        return encoder.nested(encoder.node.appendChild(), at: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = IndexKey(count)
        return encoder.nested(encoder.node.appendChild(), at: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = IndexKey(count)
        return encoder.nested(encoder.node.appendChild(), at: key)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() { encoder.node.set(.null) }
    mutating func encode(_ value: Bool) { encoder.node.set(.bool(value)) }
    mutating func encode(_ value: String) { encoder.node.set(.string(value)) }
    mutating func encode(_ value: Double) { encoder.node.set(.number(value)) }
    mutating func encode(_ value: Float) { encoder.node.set(.number(Double(value))) }
    mutating func encode(_ value: Int) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encodeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let passthrough = JSValue(passthrough: value) { return encoder.node.set(passthrough) }
        try value.encode(to: encoder)
    }

    /// An integer only when a JavaScript number holds it exactly.
    private func encodeInteger<I: BinaryInteger & Sendable>(_ value: I) throws {
        guard let number = Double(exactly: value) else {
            let message =
                "\(ValuePath.describe(codingPath)): \(value) would be rounded as a JavaScript number "
                + "(numbers are 64-bit floats, exact for integers up to 2^53)"
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: message))
        }
        encoder.node.set(.number(number))
    }
}
