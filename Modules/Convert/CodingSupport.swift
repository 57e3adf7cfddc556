// What JSValueEncoder and JSValueDecoder share: the coding keys of Map entries and Set
// elements, the key conversions of their key strategies, and the checks that find the Swift
// types they handle themselves.

/// The key of a Map entry's key or value, or of a Set's element, in a coding path. Error
/// messages write it the JavaScript way: `$.scores.keys()[0]`, `$.scores.values()[0]`,
/// `$.tags.values()[2]`.
struct EntryKey: CodingKey {
    enum Part {
        case mapKey, mapValue, setElement
    }

    let part: Part
    let index: Int

    init(_ part: Part, _ index: Int) {
        self.part = part
        self.index = index
    }

    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }

    /// The position of a Set's element, as an unkeyed container counts it; `nil` in a Map.
    var intValue: Int? { part == .setElement ? index : nil }

    var stringValue: String {
        switch part {
        case .mapKey: "keys()[\(index)]"
        case .mapValue, .setElement: "values()[\(index)]"
        }
    }

    var component: ValuePath.Component {
        switch part {
        case .mapKey: .mapKey(index)
        case .mapValue: .mapValue(index)
        case .setElement: .setElement(index)
        }
    }
}

// MARK: - Key strategies

/// The conversions of `convertToSnakeCase` and `convertFromSnakeCase`, with the rules of
/// `JSONEncoder` and `JSONDecoder`, so that a type's keys come out the same in both.
enum KeyConversion {
    /// `myURLProperty` → `my_url_property`: words split where a lowercase letter meets an
    /// uppercase one, and before the last capital of a run of capitals followed by lowercase.
    static func snakeCase(_ key: String) -> String {
        let scalars = key.unicodeScalars
        guard !scalars.isEmpty else { return key }
        var words: [Range<String.UnicodeScalarView.Index>] = []
        var wordStart = scalars.startIndex
        var searchStart = scalars.index(after: wordStart)
        while let upper = scalars[searchStart...].firstIndex(where: isUppercase) {
            words.append(wordStart..<upper)
            guard let lower = scalars[upper...].firstIndex(where: isLowercase) else {
                wordStart = upper
                break
            }
            if lower == scalars.index(after: upper) {
                // One capital then lowercase: the capital starts the next word.
                wordStart = upper
            } else {
                // A run of capitals is a word of its own, up to the capital before the lowercase.
                let beforeLower = scalars.index(before: lower)
                words.append(upper..<beforeLower)
                wordStart = beforeLower
            }
            searchStart = scalars.index(after: lower)
        }
        words.append(wordStart..<scalars.endIndex)
        return words.map { String(scalars[$0]).lowercased() }.joined(separator: "_")
    }

    /// `my_url_property` → `myUrlProperty`: underscores between words removed and each word
    /// after the first capitalised; leading and trailing underscores kept; a key without an
    /// underscore between words left as it is.
    static func camelCase(fromSnakeCase key: String) -> String {
        guard let first = key.firstIndex(where: { $0 != "_" }) else { return key }
        var last = key.index(before: key.endIndex)
        while last > first && key[last] == "_" { key.formIndex(before: &last) }
        let words = key[first...last].split(separator: "_")
        guard words.count > 1 else { return key }
        var result = String(key[..<first]) + words[0].lowercased()
        for word in words.dropFirst() {
            result += word.prefix(1).uppercased() + word.dropFirst().lowercased()
        }
        return result + String(key[key.index(after: last)...])
    }

    // Foundation's `CharacterSet.uppercaseLetters` and `lowercaseLetters`.
    private static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .uppercaseLetter || category == .titlecaseLetter
    }

    private static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .lowercaseLetter
    }
}

// MARK: - Finding types

/// `value` as `U` when `T` is `U`: a comparison of type metadata, cheaper than a dynamic cast,
/// for the types the coders handle themselves.
@inline(__always)
func exactly<T, U>(_ value: T, as type: U.Type) -> U? {
    T.self == U.self ? unsafeBitCast(value, to: U.self) : nil
}

/// `[UInt8]`'s metadata, looked up once: a generic type's metadata is otherwise found in a
/// cache at every comparison.
let byteArrayType: Any.Type = [UInt8].self

/// An array whose elements are those of a typed array: `[Int32]` is an `Int32Array`'s.
protocol TypedArrayConvertible {
    /// The elements of `bytes` when its kind holds elements of this type (any one-byte type
    /// for an `ArrayBuffer` or a `DataView`), copied at once; `nil` otherwise.
    static func elements(of bytes: JSBytes) -> Self?
}

extension Array: TypedArrayConvertible where Element: JSTypedArrayElement {
    static func elements(of bytes: JSBytes) -> [Element]? {
        bytes.elements(as: Element.self)
    }
}
