import JSRunConvert

/// How to set up a ``Runtime``. Every property has a default, so `RuntimeConfig()` works.
///
/// ```swift
/// let config = RuntimeConfig(
///     name: "plugin-host",
///     timeout: .seconds(2),          // for every call that does not give its own
///     maxHeapSize: 64 << 20,         // bytes
///     console: .logger(Logger(label: "plugins")),
///     bootstrap: "globalThis.VERSION = '1.0'"
/// )
/// let runtime = try Runtime(config)
/// ```
public struct RuntimeConfig: Sendable {
    /// A name for the runtime, shown in its thread's name (`jsrun:NAME`, as far as Linux keeps
    /// it) and in ``Runtime/description``: useful when a process runs many runtimes.
    public var name: String

    /// The longest a call may take (`eval`, `evalAsync`, a function call) when it does not give
    /// a `timeout:` of its own; `nil` for no limit. A call past its limit throws
    /// ``RuntimeError/timedOut(_:)``, whether its JavaScript is busy or waits on a promise,
    /// and the runtime stays usable. Timer callbacks run under the same limit, each batch.
    public var timeout: Duration?

    /// The most memory the JavaScript heap may use, in bytes; `nil` for V8's default (which
    /// depends on the machine's memory). A script that needs more is stopped with
    /// ``RuntimeError/heapLimitExceeded(_:)`` and the runtime closes; the process lives on.
    /// At least ``minimumHeapSize``.
    public var maxHeapSize: Int?

    /// The heap's starting size in bytes; `nil` for V8's default. Needs ``maxHeapSize`` and
    /// may not exceed it.
    public var initialHeapSize: Int?

    /// Where `console.log` and its siblings go: nowhere by default, as in the reference
    /// library (the methods exist and do nothing).
    public var console: ConsoleOutput

    /// What the runtime may do: ``Permission/defaults`` (timers and the console) unless
    /// changed. Host functions and ops may require more (see ``Permission``).
    public var permissions: Set<Permission>

    /// How deep and how large a value may be when it crosses between JavaScript and Swift:
    /// results, arguments of function calls and of host functions, and values bound into
    /// JavaScript. A value past a limit is refused whole with ``RuntimeError/conversion(_:)``,
    /// and the runtime stays usable. By default 100 levels and 64 MiB. Whatever `maxDepth` is,
    /// a value is never nested deeper than the runtime thread's stack holds (see
    /// ``/JSRunConvert/ConversionLimits/maxDepth``); typed bindings and `bindObject` encode
    /// their values with this `maxDepth` too.
    public var conversionLimits: ConversionLimits

    /// The most timers (`setTimeout`, `setInterval`) pending at once, each counting one plus
    /// its arguments: `setTimeout(f, 10, a, b)` counts 3. Past it, `setTimeout` and
    /// `setInterval` throw a `RangeError`; a timer frees its count when it has run or is cleared.
    /// A pending timer holds host memory outside the JavaScript heap, which ``maxHeapSize``
    /// does not bound (its arguments are in the heap). `nil` (the default): one per 256 bytes of
    /// ``maxHeapSize`` (65,536 for 16 MiB), or 1,000,000 without a heap limit.
    public var maxPendingTimers: Int?

    /// A classic script run once when the runtime is created, before any other code, named
    /// `<bootstrap>`. Its globals and declarations stay. If it throws, creating the runtime
    /// throws that ``JavaScriptError``.
    public var bootstrap: String?

    /// What to do with an error that no caller gets: a promise rejected with no handler, an
    /// exception thrown by a timer's callback (see ``UncaughtError``). Called on the runtime's
    /// thread, once the JavaScript that rejected the promise has run with its microtasks, or
    /// right after the timer's callback, while JavaScript waits: it should be quick. It may call the runtime, which
    /// runs in place (as from a host function), or ``Runtime/terminate()`` it, as a command-line
    /// tool that fails on the first one does.
    ///
    /// `nil`, the default, reports each at the error level of ``console``, as Node prints it
    /// (`Uncaught (in promise) Error: lost` and the stack); with the console disabled, it logs
    /// it at `.error` to a swift-log `Logger` labelled `JSRun` (metadata `runtime`, the
    /// runtime's name, and `uncaught`, the origin). To ignore them, give `{ _ in }`.
    public var onUncaughtError: (@Sendable (UncaughtError) -> Void)?

    /// The smallest ``maxHeapSize`` accepted. V8 needs about this much for an empty context;
    /// below it, V8 would abort the process, so it is a configuration error instead.
    public static let minimumHeapSize = 4 << 20

    /// A configuration with these settings; each one left out has the default its property
    /// describes. The values are checked when a ``Runtime`` is created with it, which throws
    /// ``RuntimeError/invalidConfiguration(_:)`` for one out of range.
    public init(
        name: String = "runtime",
        timeout: Duration? = nil,
        maxHeapSize: Int? = nil,
        initialHeapSize: Int? = nil,
        console: ConsoleOutput = .disabled,
        permissions: Set<Permission> = Permission.defaults,
        conversionLimits: ConversionLimits = .default,
        maxPendingTimers: Int? = nil,
        bootstrap: String? = nil,
        onUncaughtError: (@Sendable (UncaughtError) -> Void)? = nil
    ) {
        self.name = name
        self.timeout = timeout
        self.maxHeapSize = maxHeapSize
        self.initialHeapSize = initialHeapSize
        self.console = console
        self.permissions = permissions
        self.conversionLimits = conversionLimits
        self.maxPendingTimers = maxPendingTimers
        self.bootstrap = bootstrap
        self.onUncaughtError = onUncaughtError
    }

    /// The timer slots the shim allows (see ``maxPendingTimers``).
    var pendingTimerSlots: Int {
        maxPendingTimers ?? maxHeapSize.map { $0 / 256 } ?? 1_000_000
    }

    /// Checks the limits before any thread or isolate is made.
    func validate() throws(RuntimeError) {
        if let timeout, timeout <= .zero {
            throw .invalidConfiguration("timeout must be positive, not \(timeout)")
        }
        if let problem = conversionLimits.problem { throw .invalidConfiguration(problem) }
        if let maxPendingTimers, maxPendingTimers < 1 {
            throw .invalidConfiguration("maxPendingTimers must be at least 1, not \(maxPendingTimers)")
        }
        if let maxHeapSize, maxHeapSize < Self.minimumHeapSize {
            throw .invalidConfiguration(
                "maxHeapSize \(maxHeapSize.bytesText) is below the minimum of \(Self.minimumHeapSize.bytesText)")
        }
        if let initialHeapSize {
            guard let maxHeapSize else {
                throw .invalidConfiguration("initialHeapSize needs maxHeapSize to be set as well")
            }
            guard initialHeapSize > 0, initialHeapSize <= maxHeapSize else {
                throw .invalidConfiguration(
                    "initialHeapSize (\(initialHeapSize.bytesText)) must be positive and cannot exceed "
                        + "maxHeapSize (\(maxHeapSize.bytesText))")
            }
        }
    }
}
