/// The entries of a JavaScript `Map`: keys of any kind, each with a value, in insertion order.
///
/// ```swift
/// var map: JSMap = [1: "one", "two": 2]
/// map[1]                    // .string("one")
/// map[["a"]] = true         // an array as a key
/// for (key, value) in map { print(key, value) }
/// ```
///
/// JavaScript compares primitive keys by value (`SameValueZero`) and object keys by identity.
/// A `JSMap` does the same where Swift can: setting a primitive key that is already there
/// replaces its value, while an object, array or other non-primitive key is always a new entry,
/// since two JavaScript objects with equal contents are still two keys. A map read from
/// JavaScript keeps exactly the entries it had.
public struct JSMap: Sendable, Hashable {
    /// One entry of the map.
    public struct Entry: Sendable, Hashable {
        /// The entry's key, a value of any kind.
        public var key: JSValue
        /// The value the key maps to.
        public var value: JSValue

        /// An entry mapping `key` to `value`.
        public init(key: JSValue, value: JSValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries, in insertion order.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    /// A map with these entries, set in order as `new Map(entries)` does.
    public init(_ entries: some Sequence<(JSValue, JSValue)>) {
        self.entries = []
        for (key, value) in entries { self[key] = value }
    }

    /// A map with exactly these entries (a map read from JavaScript).
    package init(entries: [Entry]) { self.entries = entries }

    /// The value of the first entry whose key equals `key`; `nil` when there is none. Setting
    /// a value replaces that of a primitive key already present and otherwise appends an entry;
    /// setting `nil` removes the first entry whose key equals `key`.
    public subscript(key: JSValue) -> JSValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let existing = entries.firstIndex { $0.key == key }
            switch (newValue, existing) {
            case (let value?, let index?) where key.isPrimitive: entries[index].value = value
            case (let value?, _): entries.append(Entry(key: key, value: value))
            case (nil, let index?): entries.remove(at: index)
            case (nil, nil): break
            }
        }
    }

    /// The keys, in order.
    public var keys: [JSValue] { entries.map(\.key) }

    /// The values, in the order of their keys.
    public var values: [JSValue] { entries.map(\.value) }
}

extension JSMap: RandomAccessCollection {
    public typealias Element = (key: JSValue, value: JSValue)

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    public subscript(position: Int) -> Element {
        let entry = entries[position]
        return (entry.key, entry.value)
    }
}

extension JSMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (JSValue, JSValue)...) {
        self.init(elements)
    }
}
