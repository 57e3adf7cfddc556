import JSRunConvert
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Musl)
    @preconcurrency import Musl
#elseif canImport(Darwin)
    @preconcurrency import Darwin
#endif

/// The level of a console method: `console.debug`, `console.info`, `console.log`,
/// `console.warn` and `console.error`.
///
/// ```swift
/// ConsoleLevel.warn.rawValue      // "warn"
/// ConsoleLevel.warn.loggerLevel   // .warning
/// ```
public enum ConsoleLevel: String, Sendable, CaseIterable {
    /// `console.debug`.
    case debug
    /// `console.info`.
    case info
    /// `console.log`.
    case log
    /// `console.warn`.
    case warn
    /// `console.error`.
    case error

    /// The swift-log level a call at this level is logged at: `debug` as `.debug`, `info` and
    /// `log` as `.info`, `warn` as `.warning`, `error` as `.error`.
    ///
    /// ```swift
    /// ConsoleLevel.log.loggerLevel   // .info
    /// ```
    public var loggerLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info, .log: .info
        case .warn: .warning
        case .error: .error
        }
    }

    /// `true` for the levels Node writes to standard error: `warn` and `error`.
    var writesToStandardError: Bool { self == .warn || self == .error }
}

/// One call of a console method: its level, the line Node would print for it, and the values
/// it was called with.
///
/// ```swift
/// // console.log('%s has %d items', 'cart', 3, { id: 7 })
/// message.level       // .log
/// message.text        // "cart has 3 items { id: 7 }"
/// message.arguments   // ["%s has %d items", "cart", 3, ["id": 7]]
/// ```
///
/// A function among the arguments is a ``/JSRunConvert/JSFunction`` handle: keeping the message
/// keeps the function alive in its runtime until the handle goes away.
public struct ConsoleMessage: Sendable {
    /// The console method that was called.
    public var level: ConsoleLevel
    /// The arguments formatted as Node's `util.format` does, on one line, without a newline.
    public var text: String
    /// The arguments, as JavaScript passed them.
    public var arguments: [JSValue]

    /// A message with these parts, for instance to test a handler.
    ///
    /// ```swift
    /// let message = ConsoleMessage(level: .warn, text: "low disk", arguments: ["low disk"])
    /// ```
    public init(level: ConsoleLevel, text: String, arguments: [JSValue]) {
        self.level = level
        self.text = text
        self.arguments = arguments
    }
}

/// Where a runtime's `console` goes.
///
/// The default is ``disabled``, as in the reference library: `console.log` and the other
/// methods exist and do nothing, so scripts that log still run.
///
/// ```swift
/// var logger = Logger(label: "plugins")
/// logger.logLevel = .debug
/// let toLogger = ConsoleOutput.logger(logger)
/// let toTerminal = ConsoleOutput.standardStreams
/// let collected = ConsoleOutput.handler { message in print("[\(message.level)] \(message.text)") }
/// ```
///
/// Output is delivered on the runtime's thread, during the call of the console method, so it
/// keeps the order of the calls. JavaScript waits meanwhile: a handler should be quick.
public enum ConsoleOutput: Sendable {
    /// Console methods do nothing.
    ///
    /// ```swift
    /// let quiet = ConsoleOutput.disabled
    /// quiet.isEnabled   // false
    /// ```
    case disabled

    /// Each call is logged to this logger at its level's ``ConsoleLevel/loggerLevel``, with
    /// the formatted text as message and the metadata `console` (the level: `"log"`, `"warn"`,
    /// ...) and `runtime` (the runtime's name). The logger's own level filters as usual, and the
    /// text is not even formatted for a call that it filters out.
    ///
    /// ```swift
    /// let output = ConsoleOutput.logger(Logger(label: "scripts"))
    /// ```
    case logger(Logger)

    /// Each call is given to this closure, on the runtime's thread.
    ///
    /// ```swift
    /// let output = ConsoleOutput.handler { message in
    ///     if message.level == .error { print("script error:", message.text) }
    /// }
    /// ```
    case handler(@Sendable (ConsoleMessage) -> Void)

    /// Standard output for `debug`, `info` and `log`, standard error for `warn` and `error`:
    /// the text and a newline per call, as Node prints them.
    ///
    /// Each line goes through the C library's stream, locked, written in one piece and flushed:
    /// lines from runtimes on different threads do not mix, and they keep their order with what
    /// Swift's `print` writes to the same stream.
    ///
    /// ```swift
    /// let output = ConsoleOutput.standardStreams
    /// // console.log('ready') prints "ready\n" on standard output
    /// ```
    public static var standardStreams: ConsoleOutput {
        .handler { message in
            StandardStreams.writeLine(message.text, toStandardError: message.level.writesToStandardError)
        }
    }

    /// `false` for ``disabled``, `true` otherwise.
    ///
    /// ```swift
    /// ConsoleOutput.standardStreams.isEnabled   // true
    /// ```
    public var isEnabled: Bool {
        if case .disabled = self { false } else { true }
    }
}

extension ConsoleOutput {
    /// Formats and delivers one call of a console method: what the runtime does for
    /// `console.log(...)` and the other methods, on its thread.
    ///
    /// ```swift
    /// config.console.emit(.log, arguments: ["%d items", 3], runtimeName: config.name)
    /// ```
    ///
    /// With ``disabled`` nothing is formatted.
    func emit(_ level: ConsoleLevel, arguments: [JSValue], runtimeName: String? = nil) {
        switch self {
        case .disabled:
            return
        case .logger(let logger):
            // Both the message and the metadata are autoclosures: nothing is built for a call
            // the logger's level filters out.
            logger.log(
                level: level.loggerLevel,
                "\(ConsoleFormat.format(arguments))",
                metadata: Self.metadata(level, runtimeName: runtimeName))
        case .handler(let handler):
            handler(ConsoleMessage(level: level, text: ConsoleFormat.format(arguments), arguments: arguments))
        }
    }

    private static func metadata(_ level: ConsoleLevel, runtimeName: String?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["console": .string(level.rawValue)]
        if let runtimeName { metadata["runtime"] = .string(runtimeName) }
        return metadata
    }
}

// MARK: - Standard streams

enum StandardStreams {
    /// Writes `text` and a newline to standard error or standard output.
    static func writeLine(_ text: String, toStandardError: Bool) {
        writeLine(text, to: toStandardError ? stderr : stdout)
    }

    /// Writes `text` and a newline with one `fwrite` under the stream's lock, then flushes.
    /// `fwrite`, not `fputs`, so that a NUL character in the text is written too.
    static func writeLine(_ text: String, to stream: UnsafeMutablePointer<FILE>) {
        var line = text
        line.append("\n")
        flockfile(stream)
        defer { funlockfile(stream) }
        line.withUTF8 { bytes in
            _ = fwrite(bytes.baseAddress, 1, bytes.count, stream)
        }
        fflush(stream)
    }
}

// MARK: - Formatting

/// Node's `util.format` (what `console.log` prints), on one line.
///
/// ```swift
/// ConsoleFormat.format(["%s is %d", "answer", 42, [1, 2]])   // "answer is 42 [ 1, 2 ]"
/// ```
///
/// - Strings given as arguments are printed as they are; other values as `util.inspect` shows
///   them, which is ``JSValue/description`` with Node's limits: objects nested deeper than two
///   levels print as `[Object]` and `[Array]`, arrays show their first 100 elements, strings
///   inside values their first 10,000 characters.
/// - When the first argument is a string, its `%s %d %i %f %j %o %O %c %%` consume the
///   following arguments, as in Node; the arguments left over are appended, separated by spaces.
///
/// Unlike Node, the text is never broken over several lines.
enum ConsoleFormat {
    /// The line `console.log(arguments...)` prints, without its newline.
    static func format(_ arguments: [JSValue]) -> String {
        guard let first = arguments.first else { return "" }
        var text = ""
        var consumed = 0  // the index of the last argument used; Node's `a`
        var separator = ""
        if case .string(let template) = first {
            if arguments.count == 1 { return template }
            let scalars = Array(template.unicodeScalars)
            func slice(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
            var written = 0  // the start of the template not yet copied; Node's `lastPos`
            var index = 0
            // This follows Node 20's formatWithOptionsInternal step by step.
            while index < scalars.count - 1 {
                defer { index += 1 }
                guard scalars[index] == "%" else { continue }
                index += 1
                let specifier = scalars[index]
                if specifier == "%" {
                    text += slice(written..<index)
                    written = index + 1
                    continue
                }
                // Without an argument left, a specifier stays as written.
                guard consumed + 1 < arguments.count, let replace = replacement(for: specifier) else { continue }
                consumed += 1
                if written != index - 1 { text += slice(written..<(index - 1)) }
                text += replace(arguments[consumed])
                written = index + 1
            }
            if written != 0 {
                consumed += 1
                separator = " "
                if written < scalars.count { text += slice(written..<scalars.count) }
            }
        }
        for argument in arguments[consumed...] {
            text += separator
            text += argument.stringValue ?? inspect(argument)
            separator = " "
        }
        return text
    }

    /// What a format specifier prints for its argument; `nil` for a character that is not one.
    private static func replacement(for specifier: Unicode.Scalar) -> ((JSValue) -> String)? {
        switch specifier {
        case "s": stringText
        case "d": { numberText(number($0)) }
        case "i": { numberText(parseInt(string($0))) }
        case "f": { numberText(parseFloat(string($0))) }
        case "j": { json($0) ?? "undefined" }
        case "o": { inspect($0, depth: 4, showsLength: true) }
        case "O": { inspect($0) }
        case "c": { _ in "" }
        default: nil
        }
    }

    /// `%s`: a string as it is, a number as JavaScript writes it (with `-0`), an object or
    /// array inspected without nesting.
    private static func stringText(_ value: JSValue) -> String {
        switch value {
        case .string(let string): string
        case .array, .object: inspect(value, depth: 0)
        // Node prints a function's source, which a handle does not have.
        default: value.description
        }
    }

    /// A number as `util.inspect` writes it: as JavaScript does, except `-0`.
    private static func numberText(_ number: Double) -> String {
        JSValue.number(number).description
    }
}

// MARK: - Inspecting

extension ConsoleFormat {
    /// Node's limits: elements shown of an array, and UTF-16 units of a string inside a value.
    static let maxArrayLength = 100
    static let maxStringLength = 10_000

    /// `util.inspect(value)` on one line. `depth` is the deepest level whose objects and arrays
    /// are shown (the value itself is level 0); `showsLength` adds arrays' `[length]`, as `%o`
    /// does with `showHidden`.
    static func inspect(_ value: JSValue, depth: Int = 2, showsLength: Bool = false) -> String {
        var text = ""
        write(value, level: 0, depth: depth, showsLength: showsLength, to: &text)
        return text
    }

    private static func write(_ value: JSValue, level: Int, depth: Int, showsLength: Bool, to text: inout String) {
        switch value {
        case .array(let elements):
            // With `showHidden` an empty array still has `[length]`, so the depth applies to it.
            if elements.isEmpty && !showsLength { return text += "[]" }
            if level > depth { return text += "[Array]" }
            text += "[ "
            for (index, element) in elements.prefix(maxArrayLength).enumerated() {
                if index > 0 { text += ", " }
                write(element, level: level + 1, depth: depth, showsLength: showsLength, to: &text)
            }
            var more: [String] = []
            let hidden = elements.count - maxArrayLength
            if hidden > 0 { more.append("... \(hidden) more item\(hidden > 1 ? "s" : "")") }
            if showsLength { more.append("[length]: \(elements.count)") }
            if !more.isEmpty { text += (elements.isEmpty ? "" : ", ") + more.joined(separator: ", ") }
            text += " ]"
        case .object(let object):
            if object.isEmpty { return text += "{}" }
            if level > depth { return text += "[Object]" }
            text += "{ "
            for (index, (key, value)) in object.enumerated() {
                if index > 0 { text += ", " }
                text += keyText(key)
                text += ": "
                write(value, level: level + 1, depth: depth, showsLength: showsLength, to: &text)
            }
            text += " }"
        case .string(let string) where string.utf16.count > maxStringLength:
            let hidden = string.utf16.count - maxStringLength
            let kept = String(decoding: Array(string.utf16.prefix(maxStringLength)), as: UTF16.self)
            text += JSValue.string(kept).description + "... \(hidden) more character\(hidden > 1 ? "s" : "")"
        default:
            text += value.description
        }
    }

    /// A property key as ``JSValue/description`` writes it (bare or quoted), taken from that
    /// rendering so that the two always agree.
    private static func keyText(_ key: String) -> String {
        let object = JSValue.object(JSObject([(key, .null)])).description  // "{ KEY: null }"
        return String(object.dropFirst("{ ".count).dropLast(": null }".count))
    }
}

// MARK: - JSON (`%j`)

extension ConsoleFormat {
    /// `JSON.stringify(value)`: `nil` where it returns `undefined` (for `undefined` and
    /// functions), which drops a property and becomes `null` in an array. Non-finite numbers
    /// are `null`, `-0` is `0`.
    static func json(_ value: JSValue) -> String? {
        switch value {
        case .undefined, .function: return nil
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let number): return number.isFinite ? string(value) : "null"
        case .string(let string): return jsonQuoted(string)
        case .array(let elements):
            return "[" + elements.map { json($0) ?? "null" }.joined(separator: ",") + "]"
        case .object(let object):
            let members = object.compactMap { key, value in json(value).map { jsonQuoted(key) + ":" + $0 } }
            return "{" + members.joined(separator: ",") + "}"
        // JSON.stringify throws on a BigInt; the digits are the useful thing to show instead.
        case .bigInt(let bigInt): return bigInt.description
        // A Date has toJSON; a typed array's elements are its enumerable properties.
        case .date(let date): return date.isValid ? jsonQuoted(date.description) : "null"
        case .bytes(let bytes) where bytes.kind.isTypedArray:
            let members = bytes.numbers.enumerated().map { "\"\($0.offset)\":" + (json($0.element) ?? "null") }
            return "{" + members.joined(separator: ",") + "}"
        // Their contents are not enumerable properties.
        case .bytes, .map, .set, .error, .regExp: return "{}"
        }
    }

    private static func jsonQuoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

// MARK: - Numbers (`%d`, `%i`, `%f`)

extension ConsoleFormat {
    /// JavaScript's `String(value)`, as far as the number conversions need it: a number as
    /// JavaScript writes it (`-0` as `0`), an array's elements joined by commas.
    static func string(_ value: JSValue) -> String {
        switch value {
        case .undefined: "undefined"
        case .null: "null"
        case .bool(let bool): bool ? "true" : "false"
        case .number(let number): number == 0 ? "0" : JSValue.number(number).description
        case .string(let string): string
        case .array(let elements): elements.map { $0.isNullish ? "" : string($0) }.joined(separator: ",")
        case .object: "[object Object]"
        // The source is unknown; any text that is not a number gives the same results.
        case .function: "function () { [native code] }"
        case .bigInt(let bigInt): bigInt.description
        case .date(let date): date.description
        case .bytes(let bytes) where bytes.kind.isTypedArray: bytes.numbers.map(string).joined(separator: ",")
        case .bytes(let bytes): "[object \(bytes.kind.name)]"
        case .map: "[object Map]"
        case .set: "[object Set]"
        case .error(let error): error.description
        case .regExp(let regExp): regExp.description
        }
    }

    /// JavaScript's `Number(value)`.
    static func number(_ value: JSValue) -> Double {
        switch value {
        case .undefined, .object, .function, .map, .set, .error, .regExp: .nan
        case .bigInt(let bigInt): Double(bigInt.description) ?? .nan
        case .date(let date): date.millisecondsSince1970
        case .bytes: number(string(value))
        case .null: 0
        case .bool(let bool): bool ? 1 : 0
        case .number(let number): number
        case .string(let text): number(text)
        case .array: number(string(value))
        }
    }

    /// JavaScript's `Number(string)`: surrounding white space ignored, empty is 0, `0x` `0o`
    /// `0b` integers, decimal literals and `Infinity`; anything else is NaN.
    static func number(_ text: String) -> Double {
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first, isWhiteSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isWhiteSpace(last) { scalars.removeLast() }
        if scalars.isEmpty { return 0 }
        if scalars.count > 2, scalars.first == "0" {
            let radix: Int? =
                switch scalars[scalars.startIndex + 1] {
                case "x", "X": 16
                case "o", "O": 8
                case "b", "B": 2
                default: nil
                }
            if let radix {
                let digits = scalars.dropFirst(2)
                return integerDigitCount(digits, radix: radix) == digits.count ? integer(digits, radix: radix) : .nan
            }
        }
        guard let (length, value) = decimalPrefix(scalars), length == scalars.count else { return .nan }
        return value
    }

    /// JavaScript's `parseInt(string)`: leading white space, a sign, `0x` for hexadecimal,
    /// then as many digits as there are; NaN when there are none.
    static func parseInt(_ text: String) -> Double {
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first, isWhiteSpace(first) { scalars.removeFirst() }
        var sign = 1.0
        if let first = scalars.first, first == "+" || first == "-" {
            if first == "-" { sign = -1 }
            scalars.removeFirst()
        }
        var radix = 10
        if scalars.starts(with: ["0", "x"]) || scalars.starts(with: ["0", "X"]) {
            radix = 16
            scalars.removeFirst(2)
        }
        let count = integerDigitCount(scalars, radix: radix)
        guard count > 0 else { return .nan }
        return sign * integer(scalars.prefix(count), radix: radix)
    }

    /// JavaScript's `parseFloat(string)`: leading white space, then the longest decimal
    /// literal (or `Infinity`) there is; NaN when there is none.
    static func parseFloat(_ text: String) -> Double {
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first, isWhiteSpace(first) { scalars.removeFirst() }
        return decimalPrefix(scalars)?.value ?? .nan
    }

    /// The longest prefix of `scalars` that is a StrDecimalLiteral (`-12.5e3`, `.5`, `5.`,
    /// `+Infinity`), its length and its value; `nil` when there is none.
    private static func decimalPrefix(_ scalars: ArraySlice<Unicode.Scalar>) -> (length: Int, value: Double)? {
        let start = scalars.startIndex
        var index = start
        func isDigit(at position: Int) -> Bool {
            position < scalars.endIndex && ("0"..."9").contains(scalars[position])
        }
        var negative = false
        if index < scalars.endIndex, scalars[index] == "+" || scalars[index] == "-" {
            negative = scalars[index] == "-"
            index += 1
        }
        if scalars[index...].starts(with: "Infinity".unicodeScalars) {
            return (index + 8 - start, negative ? -.infinity : .infinity)
        }
        let integerStart = index
        while isDigit(at: index) { index += 1 }
        var digitCount = index - integerStart
        if index < scalars.endIndex, scalars[index] == "." {
            var end = index + 1
            while isDigit(at: end) { end += 1 }
            digitCount += end - (index + 1)
            if digitCount > 0 { index = end }
        }
        guard digitCount > 0 else { return nil }
        if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
            var end = index + 1
            if end < scalars.endIndex, scalars[end] == "+" || scalars[end] == "-" { end += 1 }
            let exponentStart = end
            while isDigit(at: end) { end += 1 }
            if end > exponentStart { index = end }
        }
        // Swift reads every StrDecimalLiteral the way JavaScript does, with correct rounding.
        let literal = String(String.UnicodeScalarView(scalars[start..<index]))
        return (index - start, Double(literal) ?? .nan)
    }

    /// How many of the leading scalars are digits in `radix` (2, 8, 10 or 16).
    private static func integerDigitCount(_ scalars: ArraySlice<Unicode.Scalar>, radix: Int) -> Int {
        scalars.prefix { digitValue($0).map { $0 < radix } ?? false }.count
    }

    /// The value of digits that are all valid in `radix`.
    private static func integer(_ digits: ArraySlice<Unicode.Scalar>, radix: Int) -> Double {
        if radix == 10 { return Double(String(String.UnicodeScalarView(digits))) ?? .nan }
        return digits.reduce(0) { $0 * Double(radix) + Double(digitValue($1)!) }
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 48)
        case "a"..."f": Int(scalar.value - 87)
        case "A"..."F": Int(scalar.value - 55)
        default: nil
        }
    }

    /// JavaScript's white space and line terminators, which number conversions skip.
    private static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }
}
