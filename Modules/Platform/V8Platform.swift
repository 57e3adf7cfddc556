import CJSRunV8
import Synchronization

/// V8's process-wide state: its version, its flags, and its one-time initialisation.
///
/// V8 is initialised once per process, on first use (the first `Runtime` created), from any
/// thread; there is nothing to call first. Flags must be set before that:
///
/// ```swift
/// try V8Platform.setFlags("--expose-gc")
/// let runtime = try Runtime()        // initialises V8 with --expose-gc
/// ```
public enum V8Platform {
    private static let state = Mutex(State())

    private struct State {
        var isInitialized = false
        var flags: [String] = []
        /// The last `--stack-size` the flags set, in KiB; `nil` for V8's default.
        var stackSize: Int?
    }

    /// V8's version, for example `"10.2.154.26-node.36"`.
    public static var version: String { String(cString: cv8_platform_version()) }

    /// Whether V8 has been initialised in this process.
    public static var isInitialized: Bool { state.withLock { $0.isInitialized } }

    /// The flags set so far with ``setFlags(_:)``, in order.
    public static var flags: [String] { state.withLock { $0.flags } }

    /// The largest `--stack-size` that ``setFlags(_:)`` accepts, in KiB as V8 counts it: 3072.
    ///
    /// A runtime's thread has a stack of 4 MiB. V8 stops JavaScript with a `RangeError` when it
    /// has used `--stack-size` KiB of it (984 by default, on x86-64); the rest is for the Swift
    /// frames of host functions called at that depth and for the runtime's own work there
    /// (reading the `RangeError`). A larger `--stack-size` would let deep recursion run past the
    /// end of the thread's stack and crash the process, so it is refused.
    public static var maximumStackSize: Int { (RuntimeThread.stackSize - RuntimeThread.hostStackReserve) >> 10 }

    /// The `--stack-size` set with ``setFlags(_:)`` (the last one), in KiB; `nil` when none was.
    package static var stackSize: Int? { state.withLock { $0.stackSize } }

    /// Sets V8 command-line flags, such as `"--expose-gc --stack-size=2000"`.
    ///
    /// V8 reads its flags once, when it initialises, so this must be called before the first
    /// runtime is created. Calls add up: later flags override earlier ones. V8 prints an error
    /// on standard error for a flag it does not know, and ignores the rest of that string.
    /// JSRun's own default, `--no-verify-snapshot-checksum` (see the module's overview), comes
    /// before them, so `--verify-snapshot-checksum` overrides it.
    ///
    /// A `--stack-size` (also spelt `--stack_size`, `-stack-size`, with its value after `=` or
    /// as the next word) must be a whole number of KiB from 1 to ``maximumStackSize``: a
    /// string with another one is refused whole, and none of its flags is set. The runtimes
    /// stop JavaScript at the last `--stack-size` given (even one after a flag V8 did not know).
    ///
    /// - Throws: ``V8PlatformError/alreadyInitialized(flags:)`` once V8 is initialised;
    ///   ``V8PlatformError/invalidFlags(flags:reason:)`` for a `--stack-size` out of range.
    public static func setFlags(_ flags: String) throws(V8PlatformError) {
        try state.withLock { (state) throws(V8PlatformError) in
            guard !state.isInitialized else {
                throw .alreadyInitialized(flags: flags)
            }
            let stackSize = try checkFlags(flags)
            var bytes = Array(flags.utf8)
            cv8_platform_set_flags(&bytes, bytes.count)
            state.flags.append(flags)
            if let stackSize { state.stackSize = stackSize }
        }
    }

    /// Checks `flags` as ``setFlags(_:)`` does, without setting them: what a command-line tool
    /// can call while it validates its options. Returns the last `--stack-size` in them (KiB).
    @discardableResult
    package static func checkFlags(_ flags: String) throws(V8PlatformError) -> Int? {
        var stackSize: Int?
        // V8 splits the string at white space (no quoting), reads `-name`, `--name`, `--noname`
        // (a negated int flag still takes its value), `name=value` or the value as the next word,
        // and takes a bare `--` as the end of its flags. `_` and `-` are the same in names.
        let words = flags.split(whereSeparator: { " \t\n\r\u{0B}\u{0C}".contains($0) }).map(String.init)
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-") else { continue }
            var name = Substring(word.dropFirst())
            if name.hasPrefix("-") { name = name.dropFirst() }
            if name.isEmpty { break }  // `--`: what follows is the script's
            if name.hasPrefix("no") { name = name.dropFirst(2).drop(while: { $0 == "-" || $0 == "_" }) }
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = name[..<equals]
            }
            guard String(name.map { $0 == "_" ? "-" : $0 }) == "stack-size" else { continue }
            if value == nil, index < words.count {
                value = words[index]
                index += 1
            }
            stackSize = try checkStackSize(value, in: flags)
        }
        return stackSize
    }

    /// A `--stack-size` value in range, or the error that says why not. (V8 reads it with
    /// `strtol` and keeps an `int`: what is not a number is 0, and what does not fit wraps.)
    private static func checkStackSize(_ value: String?, in flags: String) throws(V8PlatformError) -> Int {
        let text = value ?? ""
        let digits = text.hasPrefix("+") || text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isWholeNumber }) else {
            throw .invalidFlags(flags: flags, reason: "--stack-size needs a whole number of KiB, not '\(text)'")
        }
        let maximum = maximumStackSize
        // Past Int's range, it is only too large.
        let kilobytes = text.hasPrefix("-") ? -1 : Int(digits) ?? .max
        guard kilobytes >= 1, kilobytes <= maximum else {
            throw .invalidFlags(
                flags: flags,
                reason: "--stack-size \(text) is out of range: it must be from 1 to \(maximum) KiB, so that deep "
                    + "recursion stops with a RangeError within the runtime thread's stack of "
                    + "\(RuntimeThread.stackSize >> 20) MiB instead of crashing the process")
        }
        return kilobytes
    }

    /// Initialises V8 if it is not yet: called by every entry point that needs V8.
    package static func ensureInitialized() {
        state.withLock { state in
            guard !state.isInitialized else { return }
            cv8_platform_initialize()
            state.isInitialized = true
        }
    }
}

/// What can go wrong with V8's process-wide state.
public enum V8PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Flags were set after V8 was initialised, when V8 no longer reads them.
    case alreadyInitialized(flags: String)
    /// The flags ask for what a runtime cannot do (a `--stack-size` larger than its thread's
    /// stack allows); `reason` says which flag and why. None of the flags was set.
    case invalidFlags(flags: String, reason: String)

    public var description: String {
        switch self {
        case .invalidFlags(let flags, let reason):
            "cannot set V8 flags '\(flags)': \(reason)"
        case .alreadyInitialized(let flags):
            "cannot set V8 flags '\(flags)': V8 is already initialised (it initialises when the "
                + "first runtime is created); call V8Platform.setFlags before creating any runtime"
        }
    }
}
