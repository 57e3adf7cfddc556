/// Access paths into a value, written the way JavaScript would reach them: `$`, `$.users[3].name`,
/// `$["first name"]`. Error messages of the reader, the decoder and the encoder all use them.
enum ValuePath {
    /// One step into a value.
    enum Component {
        case key(String)
        case index(Int)
        /// The key of a Map's entry, by position.
        case mapKey(Int)
        /// The value of a Map's entry, by position.
        case mapValue(Int)
        /// An element of a Set, by position.
        case setElement(Int)
    }

    static func describe(_ components: some Sequence<Component>) -> String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .mapKey(let index): text += ".keys()[\(index)]"
            case .mapValue(let index), .setElement(let index): text += ".values()[\(index)]"
            case .key(let key): text += isIdentifier(key) ? ".\(key)" : "[\(doubleQuoted(key))]"
            }
        }
        return text
    }

    /// The path of a `Codable` coding path: keys of unkeyed containers become indices, and
    /// those of Map entries and Set elements their `keys()` and `values()`.
    static func describe(_ codingPath: [any CodingKey]) -> String {
        describe(
            codingPath.map { key -> Component in
                if let index = key as? IndexKey { return .index(index.index) }
                if let entry = key as? EntryKey { return entry.component }
                return .key(key.stringValue)
            })
    }

    /// `true` when `key` can follow a dot in JavaScript (`a.key`) rather than need brackets.
    static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "$" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
        }
    }

    /// `key` between double quotes, its quotes and backslashes escaped.
    static func doubleQuoted(_ key: some StringProtocol) -> String {
        var text = "\""
        for character in key {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        return text + "\""
    }
}

/// The key of an element of an array, in a coding path.
struct IndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(intValue: Int) { self.index = intValue }
    init?(stringValue: String) { nil }
    var intValue: Int? { index }
    var stringValue: String { "Index \(index)" }
}

/// A key made at run time: the properties of an object whose keys are not known in advance.
struct DynamicKey: CodingKey {
    let stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
    var intValue: Int? { nil }
}
