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
    }

    /// V8's version, for example `"10.2.154.26-node.36"`.
    public static var version: String { String(cString: cv8_platform_version()) }

    /// Whether V8 has been initialised in this process.
    public static var isInitialized: Bool { state.withLock { $0.isInitialized } }

    /// The flags set so far with ``setFlags(_:)``, in order.
    public static var flags: [String] { state.withLock { $0.flags } }

    /// Sets V8 command-line flags, such as `"--expose-gc --stack-size=2000"`.
    ///
    /// V8 reads its flags once, when it initialises, so this must be called before the first
    /// runtime is created. Calls add up: later flags override earlier ones. V8 ignores flags it
    /// does not know.
    ///
    /// - Throws: ``V8PlatformError/alreadyInitialized(flags:)`` once V8 is initialised.
    public static func setFlags(_ flags: String) throws(V8PlatformError) {
        try state.withLock { (state) throws(V8PlatformError) in
            guard !state.isInitialized else {
                throw .alreadyInitialized(flags: flags)
            }
            var bytes = Array(flags.utf8)
            cv8_platform_set_flags(&bytes, bytes.count)
            state.flags.append(flags)
        }
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

    public var description: String {
        switch self {
        case .alreadyInitialized(let flags):
            "cannot set V8 flags '\(flags)': V8 is already initialised (it initialises when the "
                + "first runtime is created); call V8Platform.setFlags before creating any runtime"
        }
    }
}
