/// A JavaScript value, held by Swift, independent of any runtime.
///
/// `JSValue` is what crosses the boundary between Swift and JavaScript: results of
/// `Runtime.eval`, arguments of host functions, chunks of streams. It is a plain value type:
/// it can be built, compared, printed and encoded without V8.
///
/// ```swift
/// let value: JSValue = ["name": "Ada", "tags": ["math", "engines"], "age": 36]
/// value["tags"]?[1]        // .string("engines")
/// value["missing"]         // nil: a missing property
/// ```
///
/// `undefined` and `null` are distinct, as in JavaScript. Objects keep JavaScript's key order.
/// Every kind of value that can be copied out of JavaScript has its case (BigInt, Date, typed
/// arrays, Map, Set, Error, RegExp); a function is a handle to it in its runtime.
///
/// Equality compares contents: numbers by JavaScript's *SameValueZero* (`NaN` equals `NaN`,
/// and `0` equals `-0`), objects by their keys, in order, and values. Two JavaScript objects
/// with equal contents are equal `JSValue`s, and a function handle equals only itself.
public enum JSValue: Sendable, Hashable {
    /// JavaScript's `undefined`; also what a hole in an array becomes.
    case undefined
    /// JavaScript's `null`.
    case null
    /// A boolean.
    case bool(Bool)
    /// A number: every JavaScript number is a 64-bit float, including `-0`, `NaN` and `±Infinity`.
    case number(Double)
    /// A string.
    case string(String)
    /// An array, in index order; holes are `.undefined`.
    case array([JSValue])
    /// A plain object: its own enumerable string-keyed properties, in JavaScript's order.
    case object(JSObject)
    /// A function, as a handle to it inside its runtime.
    case function(JSFunction)
    /// A BigInt, of any size.
    case bigInt(JSBigInt)
    /// A `Date`, valid or not.
    case date(JSDate)
    /// An `ArrayBuffer`, a typed array or a `DataView`, with its kind.
    case bytes(JSBytes)
    /// A `Map`: entries in insertion order, keys of any kind.
    case map(JSMap)
    /// A `Set`: its elements in insertion order.
    case set([JSValue])
    /// An `Error` object (returned or passed, not thrown).
    indirect case error(JSError)
    /// A regular expression.
    indirect case regExp(JSRegExp)

    /// The name of this value's kind, as a developer would say it in an error message.
    public var kindName: String {
        switch self {
        case .undefined: "undefined"
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .function: "function"
        case .bigInt: "bigint"
        case .date: "Date"
        case .bytes(let bytes): bytes.kind.name
        case .map: "Map"
        case .set: "Set"
        case .error: "Error"
        case .regExp: "RegExp"
        }
    }

    /// Whether this is a primitive: `undefined`, `null`, a boolean, a number, a string or a
    /// BigInt. A `Map` tells primitive keys apart by value, and the others by identity.
    public var isPrimitive: Bool {
        switch self {
        case .undefined, .null, .bool, .number, .string, .bigInt: true
        default: false
        }
    }
}

// MARK: - Equality

extension JSValue {
    public static func == (lhs: JSValue, rhs: JSValue) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        case (.function(let a), .function(let b)): a == b
        case (.bigInt(let a), .bigInt(let b)): a == b
        case (.date(let a), .date(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.map(let a), .map(let b)): a == b
        case (.set(let a), .set(let b)): a == b
        case (.error(let a), .error(let b)): a == b
        case (.regExp(let a), .regExp(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .undefined: hasher.combine(0)
        case .null: hasher.combine(1)
        case .bool(let b): hasher.combine(b)
        // Double's hash already treats 0 and -0 alike; all NaNs hash alike here.
        case .number(let n): hasher.combine(n.isNaN ? Double.nan : n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o)
        case .function(let f): hasher.combine(f)
        case .bigInt(let b): hasher.combine(b)
        case .date(let d): hasher.combine(d)
        case .bytes(let b): hasher.combine(b)
        case .map(let m): hasher.combine(m)
        case .set(let s): hasher.combine(s)
        case .error(let e): hasher.combine(e)
        case .regExp(let r): hasher.combine(r)
        }
    }
}

// MARK: - Reading values

extension JSValue {
    /// `true` for `.undefined`.
    public var isUndefined: Bool { if case .undefined = self { true } else { false } }
    /// `true` for `.null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
    /// `true` for `.undefined` and `.null`, the values JavaScript calls *nullish*.
    public var isNullish: Bool { isUndefined || isNull }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The number, if this is a number.
    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The elements, if this is an array.
    public var arrayValue: [JSValue]? { if case .array(let a) = self { a } else { nil } }
    /// The properties, if this is an object.
    public var objectValue: JSObject? { if case .object(let o) = self { o } else { nil } }
    /// The function handle, if this is a function.
    public var function: JSFunction? { if case .function(let f) = self { f } else { nil } }
    /// The BigInt, if this is a BigInt.
    public var bigIntValue: JSBigInt? { if case .bigInt(let b) = self { b } else { nil } }
    /// The date, if this is a `Date`.
    public var dateValue: JSDate? { if case .date(let d) = self { d } else { nil } }
    /// The bytes, if this is an `ArrayBuffer`, a typed array or a `DataView`.
    public var bytesValue: JSBytes? { if case .bytes(let b) = self { b } else { nil } }
    /// The entries, if this is a `Map`.
    public var mapValue: JSMap? { if case .map(let m) = self { m } else { nil } }
    /// The elements, if this is a `Set`.
    public var setValue: [JSValue]? { if case .set(let s) = self { s } else { nil } }
    /// The error, if this is an `Error` object.
    public var errorValue: JSError? { if case .error(let e) = self { e } else { nil } }
    /// The regular expression, if this is one.
    public var regExpValue: JSRegExp? { if case .regExp(let r) = self { r } else { nil } }

    /// The number as an `Int`, if this is a number that is integral and fits in `Int`.
    public var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        return Int(exactly: n)
    }

    /// The property `key` of an object; `nil` when this is not an object or has no such key.
    public subscript(key: String) -> JSValue? {
        objectValue?[key]
    }

    /// The element at `index` of an array; `nil` when this is not an array or out of range.
    public subscript(index: Int) -> JSValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}

// MARK: - Literals

extension JSValue: ExpressibleByNilLiteral {
    /// `nil` is JavaScript's `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension JSValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSValue...) { self = .array(elements) }
}

extension JSValue: ExpressibleByDictionaryLiteral {
    /// An object with the given properties, in the order written.
    public init(dictionaryLiteral elements: (String, JSValue)...) {
        self = .object(JSObject(elements))
    }
}
