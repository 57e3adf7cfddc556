import JSRunConvert

/// A JavaScript runtime: one V8 isolate with one global context, on a thread of its own.
///
/// ```swift
/// let runtime = try Runtime()
/// defer { runtime.close() }
/// try runtime.eval("const answer = 6 * 7")
/// try runtime.eval("answer", as: Int.self)                    // 42
/// try await runtime.evalAsync("Promise.resolve(answer + 1)")  // .number(43)
/// ```
///
/// Runtimes are isolated from each other: globals, prototypes and heap are per runtime. Many
/// can run at once, each on its own thread.
///
/// ## Threads
///
/// A runtime owns one dedicated thread, the only thread that ever enters its isolate. Every
/// method is thread-safe: calls from several threads are queued and run one at a time, in the
/// order they arrive. A waiting caller spins for a few microseconds, then parks; an idle
/// runtime's thread parks too, and uses no CPU.
///
/// ## Limits
///
/// Every call can have a timeout (its own `timeout:` or ``RuntimeConfig/timeout``): past it,
/// the call's JavaScript is stopped, busy or waiting on a promise, the call throws
/// ``RuntimeError/timedOut(_:)``, and the runtime stays usable. Cancelling the task of an
/// `evalAsync` stops it the same way, with `CancellationError`. A timeout of zero or less times
/// out at once, without running anything.
///
/// The timeout also covers what runs later on the call's behalf: while any call waits for its
/// promise, the JavaScript the event loop runs (microtasks, timers, settling promises) is stopped
/// when that call times out or is cancelled, since it may run for it; and the runtime's own
/// ``RuntimeConfig/timeout`` bounds each turn of the event loop. A stopped turn drops the
/// microtasks it had queued. A termination stays in force until the JavaScript it stopped has
/// unwound, whatever getters or callbacks that JavaScript had set up. A script that exhausts
/// ``RuntimeConfig/maxHeapSize`` throws ``RuntimeError/heapLimitExceeded(_:)`` and closes the
/// runtime; the process lives on. Deep recursion is a JavaScript `RangeError`.
///
/// ## Event loop
///
/// `setTimeout`, `setInterval`, their `clear` functions and `queueMicrotask` work as in a
/// browser or Node: microtasks run after each call and each timer, timers run in due order on
/// the runtime's thread while the runtime lives, and `close()` cancels those left.
/// ``evalAsync(_:name:timeout:)`` waits for its own promise only;
/// ``waitUntilIdle()`` waits until no timer and no async call is left.
///
/// ## Lifetime
///
/// ``close()`` stops whatever JavaScript is running, fails calls still waiting with
/// ``RuntimeError/closed``, and frees the isolate and the thread before it returns. A runtime
/// that is dropped without `close()` is closed the same way when its last reference goes,
/// except that the thread finishes freeing the isolate in the background. ``terminate()``
/// does the same from any thread without waiting, and later calls throw
/// ``RuntimeError/terminated``.
public final class Runtime: Sendable, CustomStringConvertible {
    /// The configuration the runtime was created with.
    public let config: RuntimeConfig
    let engine: Engine

    /// Creates a runtime and waits until its isolate is ready (about a millisecond) and the
    /// ``RuntimeConfig/bootstrap`` script has run.
    ///
    /// V8 is initialised on first use; see `V8Platform` to set flags before that.
    /// - Throws: ``RuntimeError/invalidConfiguration(_:)`` for limits out of range;
    ///   ``JavaScriptError`` when the bootstrap script throws;
    ///   ``RuntimeError/creationFailed(_:)`` when no thread or isolate can be created.
    public init(_ config: RuntimeConfig = RuntimeConfig()) throws {
        self.config = config
        self.engine = try Engine.start(config)
    }

    deinit {
        engine.end(.closed)
    }

    /// Closes the runtime. Idempotent; see "Lifetime" above. Blocks until the isolate and
    /// its thread are freed (called from inside the runtime's own thread, it cannot wait for
    /// itself and returns at once). After ``terminate()`` it does nothing.
    public func close() {
        engine.end(.closed, waiting: true)
    }

    /// Stops the runtime for good, from any thread, without waiting: the JavaScript running
    /// now stops, and this call and every later one throw ``RuntimeError/terminated``. The
    /// isolate and thread are freed in the background. Idempotent.
    public func terminate() {
        engine.end(.terminated)
    }

    /// Whether the runtime was closed, terminated, or closed itself after its heap limit.
    /// Every call on such a runtime throws the matching ``RuntimeError``.
    public var isClosed: Bool { engine.isClosed }

    /// A snapshot of the runtime's memory and activity. Answers while JavaScript runs too: it
    /// then reads the heap at the script's next safe point. Blocks briefly.
    public func stats() throws -> RuntimeStats {
        try engine.stats()
    }

    /// Waits until no timer is pending and no async call waits for a promise, as Node waits
    /// before it exits. Returns at once when the runtime is closed; throws `CancellationError`
    /// as soon as the calling task is cancelled.
    public func waitUntilIdle() async throws {
        try await engine.waitUntilIdle()
    }

    public var description: String {
        "Runtime(\(config.name)\(isClosed ? ", closed" : ""))"
    }

    // MARK: - Evaluation

    /// Runs `source` as a classic script in the global scope and returns its completion value.
    ///
    /// Declarations persist between calls, as in a browser console: `var`, functions, and
    /// top-level `let`/`const`/`class`. A promise is not awaited: use ``evalAsync(_:name:timeout:)``.
    /// Pending microtasks run before the call returns.
    ///
    /// This call blocks the calling thread until the script finishes. From an `async`
    /// context, prefer ``evalAsync(_:name:timeout:)``, which suspends instead.
    ///
    /// A function comes back as a ``/JSRunConvert/JSFunction`` handle
    /// (``/JSRunConvert/JSValue/function(_:)``).
    ///
    /// - Parameters:
    ///   - source: JavaScript source.
    ///   - name: The script's name in stack traces and syntax errors.
    ///   - timeout: The longest the script may run; `nil` for ``RuntimeConfig/timeout``.
    /// - Throws: ``JavaScriptError`` when the script throws or does not parse;
    ///   ``RuntimeError/timedOut(_:)`` past the timeout;
    ///   ``RuntimeError/conversion(_:)`` when the result has no ``/JSRunConvert/JSValue``
    ///   representation;
    ///   ``RuntimeError/closed`` when the runtime is closed.
    @discardableResult
    public func eval(_ source: String, name: String = "<eval>", timeout: Duration? = nil) throws -> JSValue {
        try engine.perform(.evalSync, timeout: timeout) { engine in try engine.evaluate(source, name: name) }
    }

    /// Runs `source` like ``eval(_:name:timeout:)``, serializes its value in V8, and returns the
    /// size in bytes without decoding it in Swift: what a conversion costs V8 alone, for the
    /// benchmarks to compare with a whole ``eval(_:name:timeout:)``.
    @_spi(Benchmarks)
    public func serializedSize(of source: String) throws -> Int {
        try engine.perform(.evalSync, timeout: nil) { engine in try engine.serializedSize(source, name: "<eval>") }
    }

    /// Runs `source` like ``eval(_:name:timeout:)`` and decodes its completion value into `T`.
    ///
    /// ```swift
    /// struct Point: Decodable { var x, y: Double }
    /// let p = try runtime.eval("({x: 1, y: 2})", as: Point.self)
    /// ```
    /// - Throws: what ``eval(_:name:timeout:)`` throws, and `DecodingError` (with the coding path)
    ///   when the value does not decode into `T`.
    public func eval<T: Decodable>(
        _ source: String, as type: T.Type = T.self, name: String = "<eval>", timeout: Duration? = nil
    ) throws -> T {
        try JSValueDecoder().decode(type, from: eval(source, name: name, timeout: timeout))
    }

    /// Runs `source` as a classic script and waits for its completion value to settle, as
    /// `await Promise.resolve(value)` would (so thenables are followed too).
    ///
    /// The calling task suspends; no thread is blocked while the promise is pending. The
    /// promise may settle through later work on the runtime, such as another `eval` that
    /// resolves it.
    ///
    /// The timeout covers the whole wait, and cancelling the calling task stops the call with
    /// `CancellationError`; either way the promise is let go and the runtime stays usable.
    ///
    /// It runs on the caller's executor (`nonisolated(nonsending)`): called from an actor, such
    /// as the main actor, it does not hop to the global executor and back, which cost two thread
    /// hand-offs a call (about 6 us against 4 measured here).
    ///
    /// - Throws: ``JavaScriptError`` when the script throws or the promise rejects (a rejection
    ///   with a non-Error value has the message `"Uncaught (in promise) <value>"`), and what
    ///   ``eval(_:name:timeout:)`` throws.
    @discardableResult
    nonisolated(nonsending) public func evalAsync(
        _ source: String, name: String = "<eval_async>", timeout: Duration? = nil
    ) async throws
        -> JSValue
    {
        try await engine.performAsync(.evalAsync, timeout: timeout) { engine in
            engine.startEvaluation(source, name: name)
        }
    }

    /// Runs `source` like ``evalAsync(_:name:timeout:)`` and decodes the settled value into `T`.
    nonisolated(nonsending) public func evalAsync<T: Decodable>(
        _ source: String, as type: T.Type = T.self, name: String = "<eval_async>", timeout: Duration? = nil
    ) async throws -> T {
        try JSValueDecoder().decode(type, from: await evalAsync(source, name: name, timeout: timeout))
    }

    // MARK: - Scoped runtimes

    /// Creates a runtime, runs `body` with it, and closes it on every way out of `body`.
    ///
    /// ```swift
    /// let sum = try Runtime.with { rt in try rt.eval("1 + 2", as: Int.self) }
    /// ```
    public static func with<Result>(
        _ config: RuntimeConfig = RuntimeConfig(), _ body: (Runtime) throws -> Result
    ) throws -> Result {
        let runtime = try Runtime(config)
        defer { runtime.close() }
        return try body(runtime)
    }

    /// Creates a runtime, runs the asynchronous `body` with it, and closes it on every way out
    /// of `body`, including cancellation.
    public static func with<Result>(
        _ config: RuntimeConfig = RuntimeConfig(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Runtime) async throws -> Result
    ) async throws -> Result {
        let runtime = try Runtime(config)
        defer { runtime.close() }
        return try await body(runtime)
    }
}
