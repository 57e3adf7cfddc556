import OrderedCollections

/// The properties of a JavaScript object: string keys in JavaScript's order, each with a value.
///
/// JavaScript orders an object's own keys as integer-like keys ascending, then the other keys
/// in the order they were added. `JSObject` keeps whatever order it was given, so a value that
/// came from JavaScript keeps JavaScript's order, and one built in Swift keeps the order written.
///
/// ```swift
/// var user: JSObject = ["name": "Ada"]
/// user["age"] = 36                 // appended: keys are ["name", "age"]
/// for (key, value) in user { print(key, value) }
/// ```
public struct JSObject: Sendable, Hashable {
    @usableFromInline var storage: OrderedDictionary<String, JSValue>

    /// An empty object.
    public init() { storage = [:] }

    /// An object with these properties, in this order. A repeated key keeps its first position
    /// and its last value, as assignment does in JavaScript.
    public init(_ properties: some Sequence<(String, JSValue)>) {
        storage = [:]
        for (key, value) in properties { storage[key] = value }
    }

    /// An object from keys that are known to be unique (the decoder's fast path, and a Swift
    /// dictionary's keys): each sequence is copied once, into the object's storage.
    @inlinable
    package init(uniqueKeys keys: some Sequence<String>, values: some Sequence<JSValue>) {
        storage = OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
    }

    /// An object whose unique keys may be shared with other objects of the same shape: the
    /// storage of `keys` is not copied.
    package init(sharedKeys keys: ContiguousArray<String>, values: ContiguousArray<JSValue>) {
        storage = OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
    }

    /// The value of property `key`, or `nil` when there is none. Setting `nil` removes the
    /// property; setting a new key appends it.
    public subscript(key: String) -> JSValue? {
        get { storage[key] }
        set { storage[key] = newValue }
    }

    /// The keys, in order.
    public var keys: [String] { Array(storage.keys) }

    /// The values, in the order of their keys.
    public var values: [JSValue] { Array(storage.values) }

    /// The number of properties.
    public var count: Int { storage.count }

    /// The keys in order, without copying them out (``keys`` makes an array).
    @inlinable package var keysInPlace: some RandomAccessCollection<String> { storage.keys }

    /// The values in the order of their keys, without copying them out.
    @inlinable package var valuesInPlace: some RandomAccessCollection<JSValue> { storage.values }

    /// `true` when the object has no properties.
    public var isEmpty: Bool { storage.isEmpty }
}

extension JSObject: RandomAccessCollection {
    public typealias Element = (key: String, value: JSValue)

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(position: Int) -> Element {
        let element = storage.elements[position]
        return (element.key, element.value)
    }
}

extension JSObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSValue)...) {
        self.init(elements)
    }
}
