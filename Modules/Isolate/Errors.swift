import JSRunConvert

/// An exception thrown by JavaScript and not caught there.
///
/// ```swift
/// do {
///     try runtime.eval("null.x")
/// } catch let error as JavaScriptError {
///     error.name      // "TypeError"
///     error.message   // "Cannot read properties of null (reading 'x')"
///     error.frames    // [StackFrame(file: "<eval>", line: 1, column: 6)]
/// }
/// ```
///
/// When JavaScript throws something that is not an `Error` object (`throw "oops"`,
/// `throw {code: 5}`), ``name`` and ``stack`` are `nil`, ``message`` is `"Uncaught "` followed by
/// the value as a string, and ``thrownValue`` holds the value itself.
public struct JavaScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error's `name` (`"TypeError"`, `"SyntaxError"`, a subclass's name), or `nil` when
    /// the thrown value is not an `Error` object.
    public var name: String?
    /// The error's `message`; for a thrown non-Error value, `"Uncaught <value>"`.
    public var message: String
    /// The error's `stack` as JavaScript formats it, when there is one.
    public var stack: String?
    /// Where the error was created, innermost call first. A syntax error has one frame: where
    /// the parser stopped.
    public var frames: [StackFrame]
    /// The thrown value, when it is not an `Error` object and can be converted.
    public var thrownValue: JSValue?

    /// An error with these parts, as the runtime makes one from what JavaScript threw; `name`
    /// is `nil` for a thrown value that is not an `Error` object.
    public init(
        name: String?, message: String, stack: String? = nil, frames: [StackFrame] = [],
        thrownValue: JSValue? = nil
    ) {
        self.name = name
        self.message = message
        self.stack = stack
        self.frames = frames
        self.thrownValue = thrownValue
    }

    /// `"TypeError: boom"`, followed by the stack's frames or, when it has none, the place
    /// where it was thrown (`"SyntaxError: Unexpected token '}' (at <eval>:1:9)"`).
    public var description: String {
        let headline = message.isEmpty ? (name ?? "Error") : "\(name ?? "Error"): \(message)"
        if let stack, stack.contains("\n    at ") {
            return headline + stack.drop(while: { $0 != "\n" })
        }
        if let frame = frames.first {
            return "\(headline) (at \(frame.location))"
        }
        return headline
    }
}

/// One frame of a JavaScript stack trace.
public struct StackFrame: Sendable, Equatable, CustomStringConvertible {
    /// The function's name; `nil` for top-level code and anonymous functions.
    public var function: String?
    /// The script's name (`"<eval>"`, a file name, a module URL).
    public var file: String?
    /// The line, counting from 1.
    public var line: Int
    /// The column, counting from 1.
    public var column: Int

    /// A frame at `line` and `column` (counting from 1) of `file`, in `function` when it has a name.
    public init(function: String? = nil, file: String?, line: Int, column: Int) {
        self.function = function
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var location: String { "\(file ?? "<anonymous>"):\(line):\(column)" }

    /// `function (file:line:column)`, or the location alone, as V8 prints a frame.
    public var description: String {
        function.map { "\($0) (\(location))" } ?? location
    }
}

/// Everything that can go wrong with a runtime other than JavaScript throwing.
public enum RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The runtime was closed: by ``Runtime/close()`` before or during this call.
    case closed
    /// The runtime was stopped by ``Runtime/terminate()``, before or during this call.
    case terminated
    /// The call ran past its timeout (the given limit) and its JavaScript was stopped. The
    /// runtime stays usable.
    case timedOut(Duration)
    /// The JavaScript heap reached its limit, in bytes: the runtime's `maxHeapSize`, or without
    /// one V8's default limit (which depends on the machine's memory), as V8's heap statistics
    /// gave it when the runtime was created. The script was stopped and the runtime closed: a
    /// heap at its limit cannot be trusted with more work.
    case heapLimitExceeded(Int)
    /// A JavaScript value could not become a Swift value, or the other way round.
    case conversion(String)
    /// A ``RuntimeConfig`` value is out of range; the message says which and why.
    case invalidConfiguration(String)
    /// The runtime could not be created.
    case creationFailed(String)
    /// A ``/JSRunConvert/JSFunction`` was used after ``/JSRunConvert/JSFunction/release()``.
    case functionReleased

    public var description: String {
        switch self {
        case .closed:
            "the runtime is closed: create a new Runtime to run more JavaScript"
        case .terminated:
            "the runtime was terminated (Runtime.terminate()): create a new Runtime to run more JavaScript"
        case .timedOut(let limit):
            "the JavaScript timed out after \(limit.jsrunText) and was stopped; the runtime is still usable"
        case .heapLimitExceeded(let limit):
            "the JavaScript heap reached its limit of \(limit.bytesText) and the script was stopped; "
                + "the runtime was closed"
        case .conversion(let message):
            "cannot convert the value: \(message)"
        case .invalidConfiguration(let message):
            "invalid runtime configuration: \(message)"
        case .creationFailed(let reason):
            "cannot create a runtime: \(reason)"
        case .functionReleased:
            "the function handle was released: get the function from JavaScript again"
        }
    }
}

extension Duration {
    /// `1.5 s`, `100 ms`, `250 us`, for messages.
    var jsrunText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        func trimmed(_ value: Double) -> String {
            let rounded = (value * 1000).rounded() / 1000
            // Past Int's range (a timeout of ages), Double's own form: `9.2e+18`.
            guard rounded == rounded.rounded(), let whole = Int(exactly: rounded) else { return String(rounded) }
            return String(whole)
        }
        if seconds >= 1 { return "\(trimmed(seconds)) s" }
        if seconds >= 0.001 { return "\(trimmed(seconds * 1000)) ms" }
        return "\(trimmed(seconds * 1e6)) us"
    }
}

extension Int {
    /// `16 MiB`, `1024 bytes`, for messages.
    var bytesText: String {
        self >= 1 << 20 && self % (1 << 20) == 0 ? "\(self >> 20) MiB" : "\(self) bytes"
    }
}
