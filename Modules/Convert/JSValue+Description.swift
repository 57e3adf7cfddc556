/// Values print the way Node's `util.inspect` shows them, on one line:
/// `[ 1, 'two', { three: 3 } ]`, `{ name: 'Ada', 'first-name': 'A' }`, `-0`, `1e+21`, `10n`,
/// `Map(1) { 'a' => 1 }`, `Int32Array(2) [ 1, -1 ]`. An error at the top prints its stack, as
/// Node does; inside another value it prints as `[TypeError: message]`.
extension JSValue: CustomStringConvertible {
    public var description: String {
        if case .error(let error) = self { return error.stack ?? error.description }
        var text = ""
        write(to: &text)
        return text
    }

    /// The text a program would print for this value: a string as it is, anything else as its
    /// ``description``. This is what `console.log` and the `jsrun` tool print for a result.
    public var displayString: String {
        if case .string(let string) = self { return string }
        return description
    }

    private func write(to text: inout String) {
        switch self {
        case .undefined: text += "undefined"
        case .null: text += "null"
        case .bool(let bool): text += bool ? "true" : "false"
        case .number(let number): text += JSValue.numberText(number)
        case .string(let string): text += JSValue.quoted(string)
        case .function(let function): text += function.description
        case .array(let elements):
            guard !elements.isEmpty else { return text += "[]" }
            text += "[ "
            for (index, element) in elements.enumerated() {
                if index > 0 { text += ", " }
                element.write(to: &text)
            }
            text += " ]"
        case .object(let object):
            guard !object.isEmpty else { return text += "{}" }
            text += "{ "
            for (index, (key, value)) in object.enumerated() {
                if index > 0 { text += ", " }
                text += ValuePath.isIdentifier(key) ? key : JSValue.quoted(key)
                text += ": "
                value.write(to: &text)
            }
            text += " }"
        case .bigInt(let bigInt): text += bigInt.description + "n"
        case .date(let date): text += date.description
        case .bytes(let bytes): JSValue.write(bytes, to: &text)
        case .map(let map):
            text += "Map(\(map.count)) {"
            for (index, (key, value)) in map.enumerated() {
                text += index == 0 ? " " : ", "
                key.write(to: &text)
                text += " => "
                value.write(to: &text)
            }
            text += map.isEmpty ? "}" : " }"
        case .set(let elements):
            text += "Set(\(elements.count)) {"
            for (index, element) in elements.enumerated() {
                text += index == 0 ? " " : ", "
                element.write(to: &text)
            }
            text += elements.isEmpty ? "}" : " }"
        case .error(let error):
            text += "[\(error.description)]"
            if let cause = error.cause {
                text += " { [cause]: "
                cause.write(to: &text)
                text += " }"
            }
        case .regExp(let regExp): text += regExp.description
        }
    }

    /// `Uint8Array(2) [ 1, 2 ]`, `ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 }`.
    private static func write(_ bytes: JSBytes, to text: inout String) {
        switch bytes.kind {
        case .arrayBuffer:
            text += arrayBufferText(bytes.data)
        case .dataView:
            text += "DataView { byteLength: \(bytes.count), byteOffset: 0, buffer: \(arrayBufferText(bytes.data)) }"
        default:
            let elements = bytes.numbers
            text += "\(bytes.kind.name)(\(elements.count)) "
            JSValue.array(elements).write(to: &text)
        }
    }

    private static func arrayBufferText(_ data: some Collection<UInt8>) -> String {
        let hex = data.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        return "ArrayBuffer { [Uint8Contents]: <\(hex.joined(separator: " "))>, byteLength: \(data.count) }"
    }
}

extension JSBytes {
    /// The elements of a typed array as JavaScript reads them: numbers, or BigInts for the
    /// 64-bit integer arrays; the bytes as numbers for an `ArrayBuffer` or a `DataView`.
    public var numbers: [JSValue] {
        switch kind {
        case .arrayBuffer, .dataView, .uint8Array, .uint8ClampedArray: numbers(UInt8.self)
        case .int8Array: numbers(Int8.self)
        case .int16Array: numbers(Int16.self)
        case .uint16Array: numbers(UInt16.self)
        case .int32Array: numbers(Int32.self)
        case .uint32Array: numbers(UInt32.self)
        case .float32Array: (elements(as: Float.self) ?? []).map { .number(Double($0)) }
        case .float64Array: (elements(as: Double.self) ?? []).map { .number($0) }
        case .bigInt64Array: (elements(as: Int64.self) ?? []).map { .bigInt(JSBigInt($0)) }
        case .bigUint64Array: (elements(as: UInt64.self) ?? []).map { .bigInt(JSBigInt($0)) }
        }
    }

    private func numbers<Element: JSTypedArrayElement & BinaryInteger>(_ type: Element.Type) -> [JSValue] {
        if MemoryLayout<Element>.size == 1 { return data.map { .number(Double(Element(truncatingIfNeeded: $0))) } }
        return (elements(as: type) ?? []).map { .number(Double($0)) }
    }
}

extension JSObject: CustomStringConvertible {
    public var description: String { JSValue.object(self).description }
}

// MARK: - Numbers

extension JSValue {
    /// A number as JavaScript's `String(number)` writes it (ECMAScript's Number::toString):
    /// `1` not `1.0`, `0.000001`, `1e-7`, `1e+21`, `-0` kept as util.inspect shows it.
    static func numberText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        if number == 0 { return number.sign == .minus ? "-0" : "0" }
        let (digits, exponent) = shortestDigits(of: number.magnitude)
        return (number < 0 ? "-" : "") + layOut(digits: digits, pointAt: exponent)
    }

    /// The shortest digits that read back as `magnitude`, and `n` such that
    /// `magnitude == 0.digits × 10^n`. Swift's `description` already finds the shortest digits.
    private static func shortestDigits(of magnitude: Double) -> (digits: [Character], exponent: Int) {
        let text = magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let written = parts.count > 1 ? Int(parts[1])! : 0
        var digits = Array(mantissa.filter { $0 != "." })
        var pointAt =
            (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
                ?? mantissa.count) + written
        while digits.first == "0" {
            digits.removeFirst()
            pointAt -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (digits, pointAt)
    }

    private static func layOut(digits: [Character], pointAt n: Int) -> String {
        let k = digits.count
        let all = String(digits)
        if k <= n && n <= 21 { return all + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 { return String(digits[..<n]) + "." + String(digits[n...]) }
        if -6 < n && n <= 0 { return "0." + String(repeating: "0", count: -n) + all }
        let exponent = n - 1
        let sign = exponent < 0 ? "-" : "+"
        let mantissa = k == 1 ? all : String(digits[0]) + "." + String(digits[1...])
        return mantissa + "e" + sign + String(exponent.magnitude)
    }
}

// MARK: - Strings

extension JSValue {
    /// A string in quotes, as util.inspect writes it: single quotes unless the string holds
    /// one, then double quotes, then backticks; control characters escaped.
    static func quoted(_ string: String) -> String {
        let quote: Character =
            if !string.contains("'") { "'" } else if !string.contains("\"") { "\"" } else if !string.contains("`") {
                "`"
            } else { "'" }
        var text = String(quote)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\u{0B}": text += "\\v"
            case "\\": text += "\\\\"
            case _ where Character(scalar) == quote: text += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append(quote)
        return text
    }
}
