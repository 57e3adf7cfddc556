import JSRunConvert
import JSRunIsolate

/// ES modules: static modules, a resolver, loaders, and module evaluation.
///
/// ```swift
/// runtime.addStaticModule("math", source: "export const answer = 42")
/// runtime.addStaticModule("main", source: "import { answer } from 'math'; export const double = answer * 2")
/// try runtime.evalModule("main")                         // ["double": 84]
///
/// runtime.moduleResolver = { specifier, referrer in "https://cdn.example/\(specifier)" }
/// runtime.moduleLoader = { url in try await fetchSource(url) }
/// let exports = try await runtime.evalModuleAsync("app.js")
/// ```
///
/// ## Resolution
///
/// Each import's specifier, with the module or script that imports it (its *referrer*), becomes
/// a *fully qualified specifier*, the module's identity in the runtime:
/// 1. ``moduleResolver`` is asked first. A string is the answer.
/// 2. When it answers `nil` (or `""`), or when none is set, a static module whose name is the
///    specifier (with or without a `static:` prefix) is the answer: `static:NAME`.
/// 3. Otherwise the import fails with ``ModuleError/Reason-swift.enum/unresolved``.
///
/// The referrer is a module's fully qualified specifier for its imports, a script's name
/// (`"<eval>"`, `"<eval_async>"`) for a dynamic `import()` in a script, and
/// ``entryReferrer`` for `evalModule`'s argument.
///
/// ## Loading
///
/// A fully qualified specifier `static:NAME` of a static module gets its source; any other goes
/// to the loader (``moduleLoader`` or ``synchronousModuleLoader``), **once**: modules are cached
/// by fully qualified specifier (and module type), so a graph that imports a shared dependency
/// many times loads it once, and evaluates it once. A module that failed to load or parse is not
/// cached: the next import tries again. A module that threw when evaluated keeps its error.
///
/// While an async loader waits, the runtime's thread goes on serving other calls, timers and
/// loads; a synchronous loader runs on the runtime's thread.
///
/// ## In JavaScript
///
/// Static `import` and `export ... from`, `export *`, cycles between modules, dynamic `import()`
/// from modules and from scripts (`eval`, `evalAsync`), top-level `await`, `import.meta.url`
/// (the fully qualified specifier), `import.meta.resolve(specifier)` (resolution as above),
/// JSON modules: `import data from "./data.json" assert { type: "json" }` (the import assertion
/// syntax of V8 10.2; `with { type: "json" }` came later), and text modules, whose default
/// export is the source as a string: `import page from "./page.html" assert { type: "text" }`.
/// Modules and scripts share the global object.
extension Runtime {
    /// The referrer that the resolver gets for `evalModule`'s own specifier: `"."`, as in the
    /// reference library.
    public static let entryReferrer = "."

    /// Adds a module that JavaScript imports by `name` (or as `static:NAME`), unless the resolver
    /// answers otherwise. Adding a name again replaces its source for later loads; a module
    /// already loaded stays as it is.
    public func addStaticModule(_ name: String, source: String) {
        moduleSystem.settings.withLock { $0.staticModules[name] = source }
    }

    /// Turns each import's specifier, with its referrer, into a fully qualified specifier; it
    /// is asked before the static modules, and `nil` falls back to them. It runs on the
    /// runtime's thread. An error it throws fails the import with
    /// ``ModuleError/Reason-swift.enum/resolverFailed``.
    ///
    /// ```swift
    /// runtime.moduleResolver = { specifier, referrer in
    ///     specifier.hasPrefix("lib/") ? "https://cdn.example/\(specifier)" : nil
    /// }
    /// ```
    public var moduleResolver: ModuleResolver? {
        get { moduleSystem.settings.withLock { $0.resolver } }
        set { moduleSystem.settings.withLock { $0.resolver = newValue } }
    }

    /// Fetches the source of a fully qualified specifier that is not a static module, once per
    /// specifier. It starts on the runtime's thread and goes on on Swift's concurrency pool from
    /// its first suspension (so a loader that answers from a cache costs no thread hop); the
    /// runtime serves other work while it waits. Setting it replaces
    /// ``synchronousModuleLoader``. Closing the runtime cancels the loads in flight.
    public var moduleLoader: ModuleLoader? {
        get {
            moduleSystem.settings.withLock { settings in
                guard case .asynchronous(let loader)? = settings.loader else { return nil }
                return loader
            }
        }
        set { moduleSystem.settings.withLock { $0.loader = newValue.map { .asynchronous($0) } } }
    }

    /// Fetches the source of a fully qualified specifier that is not a static module, on the
    /// runtime's thread, once per specifier: for sources at hand (files, a bundle), where a hop
    /// to another thread costs more than the load. Setting it replaces ``moduleLoader``.
    public var synchronousModuleLoader: SynchronousModuleLoader? {
        get {
            moduleSystem.settings.withLock { settings in
                guard case .synchronous(let loader)? = settings.loader else { return nil }
                return loader
            }
        }
        set { moduleSystem.settings.withLock { $0.loader = newValue.map { .synchronous($0) } } }
    }

    /// Loads modules from files under `files.root`: sets ``moduleResolver`` (relative and
    /// absolute specifiers become `file:` URLs under the root; bare ones fall back to the static
    /// modules) and ``synchronousModuleLoader``.
    public func useFileModules(_ files: FileModuleLoader) {
        moduleSystem.settings.withLock { settings in
            settings.resolver = { specifier, referrer in try files.resolve(specifier, referrer: referrer) }
            settings.loader = .synchronous { specifier in try files.load(specifier) }
        }
    }

    // MARK: - Evaluation

    /// Loads the module `specifier` (resolved with ``entryReferrer`` as its referrer) and its
    /// graph, evaluates it, top-level `await` included, and returns its exports as an object.
    ///
    /// The object is a copy of the namespace when the evaluation ended: later changes to a
    /// `let` export are not seen (no live bindings; evaluating the module again reads them
    /// again). Its keys are in the namespace's order (sorted); `default` holds the default
    /// export; an exported function is a ``/JSRunConvert/JSFunction`` handle, and a namespace
    /// re-exported with `export * as name` is an object of the same kind. Other values follow
    /// the rules of ``/JSRunIsolate/Runtime/eval(_:name:timeout:)``: an export that has no
    /// ``/JSRunConvert/JSValue`` form (a cycle, a `Map`, ...) makes the call throw
    /// ``/JSRunIsolate/RuntimeError/conversion(_:)``, after the module was evaluated. To hand
    /// part of a library to Swift, evaluate a small module that re-exports what you need
    /// (`export { parse } from './lib.js'`).
    ///
    /// A runtime evaluates any number of entry modules. A module is evaluated once: evaluating it
    /// again (as an entry, or imported by another) gives its exports, or throws its first
    /// evaluation's error, without running it again.
    ///
    /// This call blocks the calling thread while the runtime's event loop loads the graph (an
    /// async loader included) and runs the timers a top-level `await` waits for. From an async
    /// context, prefer ``evalModuleAsync(_:timeout:)``: an async loader that suspends needs a
    /// thread of Swift's concurrency pool, which blocked callers may all hold. Called on the runtime's own thread
    /// (inside a synchronous host function), it runs in place, and a graph that needs the event
    /// loop throws ``ModuleError/Reason-swift.enum/wouldWait``.
    ///
    /// - Parameters:
    ///   - specifier: The entry module's specifier.
    ///   - timeout: The longest the whole call may take, loading included; `nil` for
    ///     ``/JSRunIsolate/RuntimeConfig/timeout``.
    /// - Throws: ``ModuleError`` when a module of the graph cannot be resolved, loaded, parsed or
    ///   linked; ``/JSRunIsolate/JavaScriptError`` when a module throws during its evaluation (or
    ///   its top-level `await` rejects); ``/JSRunIsolate/RuntimeError/timedOut(_:)``, and what
    ///   ``/JSRunIsolate/Runtime/eval(_:name:timeout:)`` throws.
    @discardableResult
    public func evalModule(_ specifier: String, timeout: Duration? = nil) throws -> JSValue {
        _ = moduleSystem
        return try evaluateModule(
            specifier, referrer: Self.entryReferrer, timeout: timeout,
            wouldWait: ModuleError(.wouldWait, specifier: specifier, referrer: Self.entryReferrer))
    }

    /// Runs ``evalModule(_:timeout:)`` and decodes the exports into `T`.
    public func evalModule<T: Decodable>(_ specifier: String, as type: T.Type = T.self, timeout: Duration? = nil)
        throws -> T
    {
        try JSValueDecoder().decode(type, from: evalModule(specifier, timeout: timeout))
    }

    /// ``evalModule(_:timeout:)`` for async code: the calling task suspends while the graph loads
    /// and evaluates; no thread is blocked. Cancelling the task stops the call with
    /// `CancellationError`.
    @discardableResult
    nonisolated(nonsending) public func evalModuleAsync(_ specifier: String, timeout: Duration? = nil) async throws
        -> JSValue
    {
        _ = moduleSystem
        return try await evaluateModuleAsync(specifier, referrer: Self.entryReferrer, timeout: timeout)
    }

    /// Runs ``evalModuleAsync(_:timeout:)`` and decodes the exports into `T`.
    nonisolated(nonsending) public func evalModuleAsync<T: Decodable>(
        _ specifier: String, as type: T.Type = T.self, timeout: Duration? = nil
    ) async throws -> T {
        try JSValueDecoder().decode(type, from: await evalModuleAsync(specifier, timeout: timeout))
    }

    /// This runtime's modules, installed on first use.
    var moduleSystem: ModuleSystem {
        moduleDelegate(orInstall: ModuleSystem.init)
    }
}
