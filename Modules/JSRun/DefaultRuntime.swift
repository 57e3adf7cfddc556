import JSRunConvert
import JSRunIsolate
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The default runtime: JavaScript without managing a ``/JSRunIsolate/Runtime``.
///
/// ```swift
/// try JS.eval("var count = 1")
/// try JS.eval("count += 1", as: Int.self)  // 2: the same runtime as the line before
///
/// // Async code: one runtime for the scope and every task it starts.
/// try await JS.withRuntime {
///     try await JS.evalAsync("globalThis.ready = Promise.resolve(42)")
///     async let answer = JS.evalAsync("ready", as: Int.self)  // same runtime
///     print(try await answer)  // 42
/// }  // closed here
/// ```
///
/// `JS` is the Swift counterpart of the reference library's context-local API (`jsrun.eval`,
/// `get_default_runtime`, `close_default_runtime`). A ``/JSRunIsolate/Runtime`` is *the default
/// runtime* of the code that asks for it, by these rules:
///
/// 1. **Inside ``withRuntime(_:isolation:_:)``**, the default runtime is the scope's own. The
///    scope's body and every task it starts (`async let`, task groups, `Task {}`) share it;
///    `Task.detached` does not inherit it. A nested scope has its own runtime, which shadows
///    the outer one until the nested scope ends. The runtime is created, with the scope's
///    configuration, when code in the scope first uses it, and closed when the body returns or
///    throws.
/// 2. **Outside any scope**, each OS thread has a default runtime of its own, created with
///    `RuntimeConfig()` when the thread first uses it and kept in thread-local storage, so a
///    thread's consecutive calls share globals. It is closed when the thread exits. The main
///    thread's runtime lasts until the process ends.
/// 3. **A closed default runtime is replaced on next use.** After ``closeDefaultRuntime()`` or
///    `JS.defaultRuntime.close()`, the next call creates a fresh runtime: earlier globals are
///    gone.
///
/// The default runtime is independent of every ``/JSRunIsolate/Runtime`` you create yourself.
///
/// ## Async code belongs in a scope
///
/// Outside ``withRuntime(_:isolation:_:)``, async code runs on whichever thread of Swift's
/// cooperative pool is free, and may continue on another one after each `await`, so its
/// consecutive calls may see *different* runtimes, and a pool thread's runtime lives as long
/// as the thread. Wrap async code that uses `JS` in ``withRuntime(_:isolation:_:)``.
///
/// ## Threads and tasks
///
/// The default runtime is a ``/JSRunIsolate/Runtime`` like any other: its methods are thread-safe,
/// and the tasks of one scope may call it at once (calls run one at a time, in the order they
/// arrive). ``eval(_:name:timeout:)`` blocks the calling thread until the script ends; in async
/// code prefer ``evalAsync(_:name:timeout:)``, which suspends.
public enum JS {
    /// The innermost ``withRuntime(_:isolation:_:)`` scope of the current task, if any.
    @TaskLocal private static var scope: Scope?

    // MARK: - The default runtime

    /// The runtime the rules above give the current code: the scope's, or else the thread's,
    /// created now if there is none yet or it was closed.
    ///
    /// - Throws: ``/JSRunIsolate/RuntimeError/creationFailed(_:)`` when a new runtime cannot be
    ///   created; ``/JSRunIsolate/RuntimeError/closed`` in a `Task {}` that outlives the scope it
    ///   was started in.
    public static var defaultRuntime: Runtime {
        get throws {
            if let scope { try scope.runtime() } else { try ThreadRuntime.current() }
        }
    }

    /// Closes the default runtime: the current scope's inside ``withRuntime(_:isolation:_:)``,
    /// else the thread's. Does nothing when there is none. The next use creates a fresh one.
    ///
    /// Closing a scope's runtime closes it for every task of the scope: calls they are running
    /// on it fail with ``/JSRunIsolate/RuntimeError/closed``.
    public static func closeDefaultRuntime() {
        if let scope { scope.closeRuntime() } else { ThreadRuntime.close() }
    }

    // MARK: - Scopes

    /// Runs `body` with a default runtime of its own, shared by every task the body starts,
    /// and closes that runtime when `body` returns or throws.
    ///
    /// ```swift
    /// let total = try await JS.withRuntime {
    ///     try await JS.evalAsync("var total = 0")
    ///     try await withThrowingTaskGroup(of: Void.self) { group in
    ///         for n in 1...3 { group.addTask { try await JS.evalAsync("total += \(n)") } }
    ///         try await group.waitForAll()
    ///     }
    ///     return try await JS.evalAsync("total", as: Int.self)  // 6
    /// }
    /// ```
    ///
    /// The runtime is created when code in the scope first uses it (a scope that runs no
    /// JavaScript costs nothing); that call throws if the runtime cannot be created. A
    /// `Task {}` started in the scope that is still running when the scope ends gets
    /// ``/JSRunIsolate/RuntimeError/closed`` from `JS`.
    ///
    /// - Parameters:
    ///   - config: The configuration of the scope's runtime.
    ///   - isolation: The actor `body` runs on: the caller's, by default.
    ///   - body: The code that uses `JS`.
    public static func withRuntime<T>(
        _ config: RuntimeConfig = RuntimeConfig(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async rethrows -> T {
        let scope = Scope(config)
        defer { scope.end() }
        return try await $scope.withValue(scope, operation: body)
    }

    /// Runs the synchronous `body` with a default runtime of its own, and closes that runtime
    /// when `body` returns or throws. See ``withRuntime(_:isolation:_:)``.
    public static func withRuntime<T>(_ config: RuntimeConfig = RuntimeConfig(), _ body: () throws -> T) rethrows -> T {
        let scope = Scope(config)
        defer { scope.end() }
        return try $scope.withValue(scope, operation: body)
    }

    // MARK: - Evaluation

    /// Runs `source` on the default runtime: ``/JSRunIsolate/Runtime/eval(_:name:timeout:)``.
    @discardableResult
    public static func eval(_ source: String, name: String = "<eval>", timeout: Duration? = nil) throws -> JSValue {
        try defaultRuntime.eval(source, name: name, timeout: timeout)
    }

    /// Runs `source` on the default runtime and decodes the result:
    /// ``/JSRunIsolate/Runtime/eval(_:as:name:timeout:)``.
    public static func eval<T: Decodable>(
        _ source: String, as type: T.Type = T.self, name: String = "<eval>", timeout: Duration? = nil
    ) throws -> T {
        try defaultRuntime.eval(source, as: type, name: name, timeout: timeout)
    }

    /// Runs `source` on the default runtime and awaits the result:
    /// ``/JSRunIsolate/Runtime/evalAsync(_:name:timeout:)``.
    @discardableResult
    public static func evalAsync(_ source: String, name: String = "<eval_async>", timeout: Duration? = nil)
        async throws -> JSValue
    {
        try await defaultRuntime.evalAsync(source, name: name, timeout: timeout)
    }

    /// Runs `source` on the default runtime, awaits the result and decodes it:
    /// ``/JSRunIsolate/Runtime/evalAsync(_:as:name:timeout:)``.
    public static func evalAsync<T: Decodable>(
        _ source: String, as type: T.Type = T.self, name: String = "<eval_async>", timeout: Duration? = nil
    ) async throws -> T {
        try await defaultRuntime.evalAsync(source, as: type, name: name, timeout: timeout)
    }
}

// MARK: - Scope storage

extension JS {
    /// One ``JS/withRuntime(_:isolation:_:)`` scope: its configuration and its runtime, which is
    /// created on first use and again after it is closed. The tasks of the scope share it.
    fileprivate final class Scope: Sendable {
        private struct State {
            var runtime: Runtime?
            var ended = false
        }

        private let config: RuntimeConfig
        private let state = Mutex(State())

        init(_ config: RuntimeConfig) {
            self.config = config
        }

        func runtime() throws -> Runtime {
            try state.withLock { state throws -> Runtime in
                guard !state.ended else { throw RuntimeError.closed }
                if let runtime = state.runtime, !runtime.isClosed { return runtime }
                let runtime = try Runtime(config)
                state.runtime = runtime
                return runtime
            }
        }

        /// Closes the runtime early; the next use in the scope creates a fresh one.
        func closeRuntime() {
            let runtime = state.withLock { state in
                defer { state.runtime = nil }
                return state.runtime
            }
            runtime?.close()
        }

        /// Ends the scope: closes its runtime, and later uses throw `RuntimeError.closed`.
        func end() {
            let runtime = state.withLock { state in
                state.ended = true
                defer { state.runtime = nil }
                return state.runtime
            }
            runtime?.close()
        }
    }
}

// MARK: - Thread storage

/// The thread's default runtime, kept in a pthread key whose destructor closes it when the
/// thread exits. The key holds one retained reference to the runtime.
private enum ThreadRuntime {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in releaseThreadRuntime(pointer) }
        precondition(status == 0, "JSRun: pthread_key_create failed (\(status))")
        return key
    }()

    /// The thread's open runtime, created (and stored) if there is none or it was closed.
    static func current() throws -> Runtime {
        if let pointer = pthread_getspecific(key) {
            let runtime = Unmanaged<Runtime>.fromOpaque(pointer).takeUnretainedValue()
            if !runtime.isClosed { return runtime }
        }
        let runtime = try Runtime()
        take()?.close()
        pthread_setspecific(key, Unmanaged.passRetained(runtime).toOpaque())
        return runtime
    }

    /// Closes the thread's runtime, if any, and empties the slot.
    static func close() {
        take()?.close()
    }

    /// Removes the thread's runtime from the slot and returns it.
    private static func take() -> Runtime? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        pthread_setspecific(key, nil)
        return Unmanaged<Runtime>.fromOpaque(pointer).takeRetainedValue()
    }
}

/// The key's destructor: runs on a thread that exits with a runtime in its slot.
private func releaseThreadRuntime(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<Runtime>.fromOpaque(pointer).takeRetainedValue().close()
}
