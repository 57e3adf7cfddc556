/// A JavaScript `Error` object as a value: one that a script returns or passes, rather than
/// throws (a thrown error reaches Swift as the runtime's `JavaScriptError`).
///
/// ```swift
/// let value = try runtime.eval("new RangeError('too far', { cause: 42 })")
/// value.errorValue?.name       // "RangeError"
/// value.errorValue?.cause      // .number(42)
/// ```
///
/// V8's format keeps the standard error classes (`EvalError`, `RangeError`, `ReferenceError`,
/// `SyntaxError`, `TypeError`, `URIError`) and writes every other error as a plain `Error`. When
/// a value is read, the name of any other error (a subclass such as `class HTTPError extends
/// Error`) is taken from the first line of its stack, which V8 starts with `name: message`. An
/// error sent into JavaScript is an instance of its standard class, or of `Error` for any
/// other name, with `message`, `stack` and `cause` as given.
public struct JSError: Sendable, Hashable {
    /// The error's class or `name`: `"Error"`, `"TypeError"`, `"HTTPError"`...
    public var name: String
    /// The error's `message`.
    public var message: String
    /// The error's `stack` text, when it has one.
    public var stack: String?
    /// The error's `cause`, when it has one.
    public var cause: JSValue?

    /// An error named `name` (a plain `Error` by default) with this message, and a stack and a
    /// cause when given.
    public init(name: String = "Error", message: String, stack: String? = nil, cause: JSValue? = nil) {
        self.name = name
        self.message = message
        self.stack = stack
        self.cause = cause
    }

    /// The error classes whose prototype V8's format keeps.
    public static let standardNames: Set<String> = [
        "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
    ]
}

extension JSError: CustomStringConvertible {
    /// `name: message`, or `name` alone when the message is empty, as `String(error)` writes it.
    public var description: String { message.isEmpty ? name : "\(name): \(message)" }
}

/// A JavaScript regular expression: its source and flags.
///
/// ```swift
/// let pattern = JSRegExp("ab+c", flags: "gi")     // /ab+c/gi
/// ```
public struct JSRegExp: Sendable, Hashable, CustomStringConvertible {
    /// The pattern, as the `source` property gives it.
    public var source: String
    /// The flags, as the `flags` property gives them (`"dgimsuy"` order).
    public var flags: String

    /// The regular expression `/source/flags`. Neither is checked here: sending the value to
    /// JavaScript fails when they do not make a valid regular expression.
    public init(_ source: String, flags: String = "") {
        self.source = source
        self.flags = flags
    }

    /// `/source/flags`, as JavaScript writes a regular expression.
    public var description: String { "/\(source)/\(flags)" }
}
